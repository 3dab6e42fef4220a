internal import Hummingbird
internal import NIOCore

extension Response {
    /// A 200 with a JSON body.
    static func json(_ bytes: [UInt8]) -> Response {
        Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// A 200 with a JSON body given as text.
    static func json(_ text: String) -> Response {
        json(Array(text.utf8))
    }
}
