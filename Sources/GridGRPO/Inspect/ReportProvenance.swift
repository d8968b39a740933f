/// What `report.html` records of the files it was made from (in a
/// `<script type="application/json" id="gridgrpo-provenance">` element), and
/// how `inspect --verify` reads it back.
public struct ReportProvenance: Codable, Equatable {
    public struct Input: Codable, Equatable {
        public var name: String
        public var sha256: String
        public init(name: String, sha256: String) {
            self.name = name
            self.sha256 = sha256
        }
    }

    public var configDigest: String
    public var inputs: [Input]

    public init(configDigest: String, inputs: [Input]) {
        self.configDigest = configDigest
        self.inputs = inputs
    }

    public static let marker = "<script type=\"application/json\" id=\"gridgrpo-provenance\">"
}
