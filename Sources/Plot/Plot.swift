// MARK: - The Plot module
//
// Pure-Swift figures for exp: no dependency on tensors or the language; inputs are plain
// `[Double]` and `[[Double]]`, so the language layer converts tensors and metric series first.
//
//     let chart = LineChart(title: "reversal curse",
//                           series: [Series("train_loss", xs: steps, ys: train),
//                                    Series("reverse_loss", xs: steps, ys: reverse)],
//                           x: Axis(label: "step"), y: Axis(label: "loss", scale: .log),
//                           referenceLines: [.horizontal(0.611, label: "Bayes risk 0.611")])
//     try Figure(chart).writeSVG(to: "reversal.svg")           // SVG 1.1, 640×420
//     try Figure(chart).writePNG(to: "reversal.png")           // via rsvg-convert
//     print(TerminalRenderer.render(chart, options: TerminalOptions(width: 80, height: 24)))
//
// Decisions (what a user sees):
// - NaN and ±inf make gaps in a line; a point alone between gaps is drawn as a dot.
// - On a log axis values ≤ 0 are skipped, and the legend entry says so: "loss (3 ≤ 0 not shown)".
// - A chart with no drawable point still renders axes and the note "no finite data".
// - Linear ticks use 1-2-5 steps; log ticks use powers of ten, with 2 and 5 labelled over two
//   decades or less. Labels: plain decimals (0.25), SI suffixes from 10 000 on (2.5k is not used
//   below 10 000: 2500 stays 2500), e-notation below 0.001 (1e-7, 2.5e-7). See NumberFormat.swift.
// - Axis limits: the data range padded 5 % on y (not past zero for data on one side of it); line
//   charts run edge to edge on x; scatter plots are padded on both axes. Reference lines are
//   always inside the range. A constant series is padded by ±10 % of its value (±1 around 0).
// - Heatmaps: diverging blue–white–red with limits ±max|v| when the data has both signs,
//   viridis otherwise; overridable with `colormap:` and `limits:`. NaN cells are light grey.
// - Colours: Tableau 10 by default; series past the tenth repeat colours with a dashed or dotted line.
// - Terminal: braille line charts (bands and markers omitted), half-block heatmaps; each panel
//   is exactly width × height cells; `.none` colour mode for pipes and tests.
