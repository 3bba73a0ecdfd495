import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import Plot

/// Collects element names, attributes and text from an XML document; nil when it does not parse.
final class XMLCollector: NSObject, XMLParserDelegate {
    var elements: [String] = []
    var attributes: [[String: String]] = []
    var texts: [String] = []
    private var current = ""

    static func parse(_ xml: String) -> XMLCollector? {
        let c = XMLCollector()
        let parser = XMLParser(data: Data(xml.utf8))
        parser.delegate = c
        return parser.parse() ? c : nil
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        elements.append(name)
        self.attributes.append(attributes)
        // A <tspan> (sub/superscript) is part of its text element's text.
        if name != "tspan" { current = "" }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { current += string }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        if name == "text" { texts.append(current) }
        if name != "tspan" { current = "" }
    }
}

@Suite("Plot SVG")
struct SVGTests {
    @Test func lineChartIsWellFormedSVGWithTitleSeriesAndTicks() throws {
        let svg = Figure(Samples.sweepWithBand).svg()
        let doc = try #require(XMLCollector.parse(svg))
        #expect(doc.elements.first == "svg")
        let root = doc.attributes[0]
        #expect(root["xmlns"] == "http://www.w3.org/2000/svg")
        #expect(root["width"] == "640" && root["height"] == "420")
        #expect(root["viewBox"] == "0 0 640 420")
        #expect(doc.texts.contains("ICL regression: sweep over 8 seeds"))
        #expect(doc.texts.contains("d = 8 ± std"), "a mean ± std band says so in the legend")
        #expect(doc.texts.contains("d = 16 (with gap)"))
        #expect(doc.texts.contains("context length"))
        #expect(doc.texts.contains("n = d"))
        // x runs 0…49: 1-2-5 ticks at multiples of 10.
        for label in ["0", "10", "20", "30", "40"] { #expect(doc.texts.contains(label)) }
        // The band is a polygon; the NaN gap splits the second series into two polylines.
        #expect(doc.elements.filter { $0 == "polygon" }.count == 1)
        #expect(doc.elements.filter { $0 == "polyline" }.count == 3)
    }

    @Test func logAxisShowsPowersOfTenAndNotesSkippedValues() throws {
        let doc = try #require(XMLCollector.parse(Figure(Samples.awkward).svg()))
        // Nine decades on a 420-pixel panel: every second power of ten is labelled, all as
        // 10 with a superscript power (the text collector joins the tspans).
        for label in ["10−6", "10−4", "10−2", "100"] { #expect(doc.texts.contains(label), "\(doc.texts)") }
        // One value is 0 on a log axis: not drawn, and the legend says so.
        #expect(doc.texts.contains("tiny (1 ≤ 0 not shown)"))
    }

    @Test func textIsEscaped() throws {
        let chart = LineChart(title: "a < b & \"c\" > 'd'\u{07}", series: [Series("x<y>", ys: [1, 2])])
        let svg = Figure(chart).svg()
        let doc = try #require(XMLCollector.parse(svg))
        #expect(doc.texts.contains("a < b & \"c\" > 'd'"))
        #expect(doc.texts.contains("x<y>"))
        #expect(svg.contains("a &lt; b &amp; &quot;c&quot; &gt; &apos;d&apos;"))
    }

    @Test func coordinatesHaveAtMostTwoDecimals() throws {
        let doc = try #require(XMLCollector.parse(Figure(Samples.trainingCurves).svg()))
        let geometry = ["x", "y", "x1", "x2", "y1", "y2", "width", "height", "points", "d", "cx", "cy", "r"]
        var long: [String] = []
        for attrs in doc.attributes {
            for key in geometry {
                guard let v = attrs[key] else { continue }
                long += v.split(whereSeparator: { !"0123456789.".contains($0) }).map(String.init).filter {
                    guard let dot = $0.firstIndex(of: ".") else { return false }
                    return $0.distance(from: dot, to: $0.endIndex) > 3
                }
            }
        }
        #expect(long.isEmpty, "numbers with more than 2 decimals: \(long.prefix(5))")
    }

    @Test func emptyAndAllNaNChartsStillRender() throws {
        for chart in [LineChart(title: "nothing"), LineChart(series: [Series("nan", ys: [.nan, .nan])])] {
            let doc = try #require(XMLCollector.parse(Figure(chart).svg()))
            #expect(doc.texts.contains("no finite data"))
        }
    }

    @Test func gridOfHeatmapsHasOnePanelPerMatrixAndUniqueIDs() throws {
        let heads = (0..<4).map { h in Samples.attention.map { $0.map { $0 * Double(h + 1) / 4 } } }
        let fig = Figure.heatmapGrid(heads, titles: ["head 0", "head 1", "head 2", "head 3"], columns: 2,
                                     title: "attention by head")
        let svg = fig.svg()
        let doc = try #require(XMLCollector.parse(svg))
        #expect(doc.attributes[0]["width"] == "640")
        #expect(doc.attributes[0]["height"] == "636")  // 2 rows × 300 + 36 for the title
        for t in ["attention by head", "head 0", "head 3"] { #expect(doc.texts.contains(t)) }
        let ids = doc.attributes.compactMap { $0["id"] }
        #expect(ids.count == 4)  // one colorbar gradient per panel
        #expect(Set(ids).count == ids.count)
        // Shared limits: every colorbar has the same top label.
        let top = NumberFormat.compact(1)
        #expect(doc.texts.filter { $0 == top }.count == 4)
    }

    @Test func differentFiguresGetDifferentIDPrefixes() throws {
        let a = Figure(Heatmap(values: Samples.attention)).svg()
        let b = Figure(Heatmap(values: Samples.signed)).svg()
        let idsA = try #require(XMLCollector.parse(a)).attributes.compactMap { $0["id"] }
        let idsB = try #require(XMLCollector.parse(b)).attributes.compactMap { $0["id"] }
        #expect(Set(idsA).isDisjoint(with: idsB))
        #expect(a == Figure(Heatmap(values: Samples.attention)).svg(), "same figure, same bytes")
    }

    @Test func heatmapLabelsAndDivergingColorbarAreSymmetric() throws {
        let hm = Heatmap(title: "logits", values: Samples.signed, columnLabels: (0..<16).map { "tok\($0)" })
        let doc = try #require(XMLCollector.parse(Figure(hm).svg()))
        #expect(doc.texts.contains("logits"))
        #expect(doc.texts.contains("tok0") && doc.texts.contains("tok15"))
        let scale = hm.colorScale
        #expect(scale.colormap.isDiverging)
        #expect(scale.lower == -scale.upper)
        #expect(doc.texts.contains("0"))
    }

    @Test func scatterPlotDrawsMarkersNotLines() throws {
        let doc = try #require(XMLCollector.parse(Figure(Samples.scatter).svg()))
        #expect(!doc.elements.contains("polyline"))
        #expect(doc.elements.filter { $0 == "path" }.count >= 2)
        #expect(doc.texts.contains("layer 1") && doc.texts.contains("layer 2"))
    }
}
