// Plot: pure-Swift chart rendering (SVG, terminal, PNG via rsvg-convert).
// Inputs are plain [Double] / [[Double]]; the module knows nothing of tensors or the language.
