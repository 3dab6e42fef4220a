import Foundation
import Testing
import VigilAlerting

@Suite("Webhook signing and requests")
struct WebhookSignerTests {
    @Test("HMAC-SHA256 matches RFC 4231 and Python's hmac")
    func oracles() {
        // RFC 4231, test case 2.
        #expect(WebhookSigner.signature(body: Array("what do ya want for nothing?".utf8), secret: "Jefe")
            == "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        // hmac.new(b"s3cret", b'{"version":"4"}', hashlib.sha256).hexdigest()
        #expect(WebhookSigner.signature(body: Data(#"{"version":"4"}"#.utf8), secret: "s3cret")
            == "sha256=afa6c091d9d41c83d3deb28420d4e0e40b2c2d4c81a8a9f4364255fe6a69f15a")
    }

    @Test("verification accepts the signature and refuses any change")
    func verify() {
        let body = Data(#"{"status":"firing"}"#.utf8)
        let signature = WebhookSigner.signature(body: body, secret: "k")
        #expect(WebhookSigner.verify(signature: signature, body: body, secret: "k"))
        #expect(!WebhookSigner.verify(signature: signature, body: Data(#"{"status":"resolved"}"#.utf8), secret: "k"))
        #expect(!WebhookSigner.verify(signature: signature, body: body, secret: "other"))
        #expect(!WebhookSigner.verify(signature: "sha256=00", body: body, secret: "k"))
    }

    @Test("a webhook request carries the body, its signature, the delivery id and the receiver's headers")
    func webhookRequest() throws {
        let receiver = Receiver(name: "oncall", kind: .webhook, url: URL(string: "http://127.0.0.1:9099/vigil"),
                                secretEnv: "SECRET", headers: ["X-Team": "llm", "Authorization": "Bearer t"], timeout: .seconds(3))
        let alert = AlertSnapshot(labels: ["alertname": "A"], annotations: [:], startsAt: TestClock.at(0), endsAt: nil, generatorURL: "")
        let notification = GroupNotification(receiver: "oncall", groupKey: "k", groupLabels: ["alertname": "A"], alerts: [alert], at: TestClock.at(30))
        let payload = WebhookPayload(notification, externalURL: "http://vigil")
        let request = WebhookRequest.webhook(receiver: receiver, payload: payload, deliveryID: "d-42", secret: receiver.secret(in: ["SECRET": "s3cret"]))
        #expect(request.url.absoluteString == "http://127.0.0.1:9099/vigil")
        #expect(request.body == payload.encoded())
        #expect(request.timeout == .seconds(3))
        #expect(request.headers.map(\.name) == ["Content-Type", "User-Agent", "Authorization", "X-Team", "X-Vigil-Delivery", "X-Vigil-Signature"])
        #expect(request.header("x-vigil-delivery") == "d-42")
        let signature = try #require(request.header("X-Vigil-Signature"))
        #expect(WebhookSigner.verify(signature: signature, body: request.body, secret: "s3cret"))
        // A retry builds the same bytes, so the same signature and id.
        #expect(WebhookRequest.webhook(receiver: receiver, payload: payload, deliveryID: "d-42", secret: "s3cret") == request)
        // No secret, no signature.
        #expect(WebhookRequest.webhook(receiver: receiver, payload: payload, deliveryID: "d-42", secret: nil).header("X-Vigil-Signature") == nil)
    }

    @Test("an Alertmanager request posts to /api/v2/alerts")
    func alertmanagerRequest() throws {
        let receiver = Receiver(name: "am", kind: .alertmanager, url: URL(string: "http://127.0.0.1:9093/"))
        let alert = AlertSnapshot(labels: ["alertname": "A"], annotations: [:], startsAt: TestClock.at(0), endsAt: nil, generatorURL: "")
        let request = WebhookRequest.alertmanager(receiver: receiver, alerts: [alert], validUntil: TestClock.at(240), deliveryID: "d-1")
        #expect(request.url.absoluteString == "http://127.0.0.1:9093/api/v2/alerts")
        #expect(request.header("Content-Type") == "application/json")
        #expect(request.header("X-Vigil-Signature") == nil)
        #expect(try JSONDecoder().decode([PostableAlert].self, from: request.body).first?.endsAt == TestClock.at(240))
    }
}
