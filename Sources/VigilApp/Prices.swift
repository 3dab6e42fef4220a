internal import Foundation
internal import VigilCore
public import VigilProcessors

extension VigilConfiguration {
    /// The price table in force: the shipped one with the user's (`VIGIL_PRICES_FILE`) laid over it.
    public func loadPrices() throws -> PriceTable {
        let shippedPath = try resolvedShippedPricesFile()
        var table = try PriceTable(json: try read(shippedPath, variable: "VIGIL_SHIPPED_PRICES"), source: shippedPath)
        if let userPath = processing.pricesFile {
            table = table.merging(try PriceTable(json: try read(userPath, variable: "VIGIL_PRICES_FILE"), source: userPath))
        }
        return table
    }

    private func read(_ path: String, variable: String) throws -> Data {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw VigilError(.configuration, "\(variable)=\(path) cannot be read")
        }
        return data
    }
}
