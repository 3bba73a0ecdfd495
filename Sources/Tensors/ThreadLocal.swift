#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A value of type `T` per thread, created on first use from `make`.
///
/// Settings that scripts change (the default float dtype, the active tape) are per thread so
/// that independent runs on different threads (parallel tests, sweeps) cannot disturb each other.
public final class ThreadLocal<T: AnyObject>: @unchecked Sendable {
    private var key = pthread_key_t()
    private let make: () -> T

    public init(_ make: @escaping () -> T) {
        self.make = make
        pthread_key_create(&key) { ptr in
            if let ptr { Unmanaged<AnyObject>.fromOpaque(ptr).release() }
        }
    }

    /// This thread's value.
    @inline(__always)
    public var value: T {
        get {
            if let p = pthread_getspecific(key) {
                return Unmanaged<T>.fromOpaque(p).takeUnretainedValue()
            }
            let v = make()
            pthread_setspecific(key, Unmanaged.passRetained(v as AnyObject).toOpaque())
            return v
        }
        set {
            if let p = pthread_getspecific(key) { Unmanaged<AnyObject>.fromOpaque(p).release() }
            pthread_setspecific(key, Unmanaged.passRetained(newValue as AnyObject).toOpaque())
        }
    }
}
