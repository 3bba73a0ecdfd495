import Lab
import Language

/// A model block is what Lab's trainer updates: the language defines the block (and its
/// `trainableParameters`), the experiments layer, which knows both, joins the two.
extension BlockObject: ParameterStore {}
