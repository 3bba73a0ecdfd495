import Tensors

/// A tensor together with its place on the tape, if it has one. Operations on variables
/// compute their value at once and, when an input is tracked, record how to send gradients back.
public struct Variable: @unchecked Sendable {
    public let value: Tensor
    /// Node index on the tape of `generation`; -1 for constants.
    let node: Int32
    let generation: UInt32

    init(value: Tensor, node: Int32, generation: UInt32) {
        self.value = value
        self.node = node
        self.generation = generation
    }

    /// A constant: gradients do not flow into it.
    public init(_ value: Tensor) {
        self.init(value: value, node: -1, generation: 0)
    }

    /// True when this variable is on the current tape.
    public var isTracked: Bool { node >= 0 && generation == Tape.current.generation }

    /// The same value, cut from the tape.
    public func detached() -> Variable { Variable(value) }

    public var shape: [Int] { value.shape }
    public var dtype: DType { value.dtype }
    public var rank: Int { value.rank }
}
