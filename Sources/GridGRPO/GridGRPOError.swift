/// An error a user can act on: one line naming the file, dataset, flag or key at fault.
public struct GridGRPOError: Error, CustomStringConvertible, Equatable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
