import Autodiff
import Tensors

/// What the training loop needs from a model: its trainable parameters, read fresh every step
/// (a projection after a step may have replaced them) and written back after the update.
public protocol ParameterStore: AnyObject {
    func trainableParameters() -> [Tensor]
    func setTrainableParameters(_ values: [Tensor]) throws
    /// Binds the parameters to `leaves` (tape variables) for one loss evaluation: the loss the
    /// objective computes next reads them, so its gradient reaches the leaves.
    func setTrainableVariables(_ leaves: [Variable]) throws
}
