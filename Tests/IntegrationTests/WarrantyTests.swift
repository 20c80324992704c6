import Foundation
import PartsClient
import PostgresClient
import Testing

/// Warranty claims and old-part return to the factory (三包旧件返厂), end to end through the
/// socket: makers and rules, claims and tags, call-backs, return batches, verdicts, appeals,
/// destruction after retention, the reports; every refusal, every role, every ref replay.
@Suite("warranty old-part return")
struct WarrantyTests {
    @Test func aClaimGoesFromTagToVerdictAndTheReportsAddItUp() throws {
        let site = try WarrantySite(rules: "ship_days=21 earliest_days=5")
        try site.ok("oem add FAW \"FAW 一汽\" return=all cycle=weekly ship_days=30")
        try site.ok("part set ECU-7 warranty_return=yes")
        #expect(try site.client.send("part show ECU-7").body.contains("warranty return  yes"))

        // The claim: two pads (one tag each) and a control unit by its serial. ECU-7 is always
        // wanted back, so it is due from the claim date; the pads wait for a call-back.
        let claimed = try site.day(-18)
        let created = try site.ok("claim new SAIC C-1 P-1001:2@150 ECU-7#SN4711@1200 vin=LSVAU2180N2183456 failure=F-0231 "
                                  + "claimed=\(claimed) repaired=\(try site.day(-19)) mileage=23410 wo=WO-88 technician=Wang")
        #expect(created.code == 201)
        let tags = try site.tags("C-1")
        #expect(tags.count == 3)
        #expect(created.lastText == "C-1 tags \(tags.joined(separator: " "))")
        #expect(created.body.filter { $0.hasPrefix("旧件标签 WARRANTY OLD PART") }.count == 3)
        #expect(created.body.contains { $0.contains("Serial 序列号") && $0.contains("SN4711") })
        #expect(try site.part(tags[0], "state") == "tagged")
        #expect(try site.part(tags[2], "state") == "due")
        #expect(try site.part(tags[2], "ship_by") == site.day(3))
        #expect(try site.part(tags[0], "amount") == "150.00")
        #expect(try site.part(tags[2], "serial") == "SN4711")

        // The call-back: the pads' ship-by date is 21 days from it.
        let called = try site.ok("claim call C-1 called=\(try site.day(-17))")
        #expect(called.lastText == "2 old parts called back: ship by \(try site.day(4))")
        #expect(try site.part(tags[0], "state") == "called")
        #expect(try site.client.send("claim call C-1").code == 409)

        try site.ok("claim new FAW F-1 P-1001:1 vin=LFV2A21K6D3123456 failure=F-9 amount=99.99")
        let faw = try site.tags("F-1")[0]
        #expect(try site.part(faw, "state") == "due")
        let soon = try site.ok("claim list due_within=7")
        #expect(soon.lastText == "3 old parts")
        #expect(!soon.body.contains { $0.contains(faw) })

        // The batch: approved by a manager, boxed, shipped as a WS record document.
        let batch = try site.ok("batch new SAIC")
        #expect(batch.code == 201)
        let rb = batch.lastText
        #expect(rb.hasPrefix("RB-"))
        #expect(batch.body.contains { $0.hasPrefix("旧件回运清单 OLD PARTS RETURN LIST") && $0.hasSuffix(rb) })
        #expect(try site.client.send("batch ship \(rb)").code == 409)
        try site.ok("batch approve \(rb)")
        let unboxed = try site.client.send("batch ship \(rb)")
        #expect(unboxed.code == 409 && unboxed.lastText.contains("box every part first"), "\(unboxed)")
        try site.ok("batch box \(rb) \(tags[0]) \(tags[1]) box=1")
        try site.ok("batch box \(rb) \(tags[2]) box=2")
        let shipped = try site.ok("batch ship \(rb) carrier=SF tracking=SF1234567")
        #expect(shipped.code == 201)
        #expect(shipped.lastText.hasPrefix("WS-"))
        #expect(shipped.body.contains { $0.hasPrefix("OLD PARTS RETURN TO FACTORY 旧件返厂单") })
        #expect(shipped.body.contains { $0.hasPrefix("Batch 回运单") && $0.contains(rb) })
        #expect(shipped.body.contains { $0.contains("carrier SF; tracking SF1234567") })
        #expect(try site.part(tags[0], "state") == "shipped")
        #expect(try site.daemon.sql("SELECT count(*) FROM document_line dl JOIN document d ON d.id = dl.document_id "
                                    + "WHERE d.doc_no = '\(shipped.lastText)'").scalar == "2")
        #expect(try site.client.send("batch add \(rb) \(faw)").code == 409)
        try site.ok("batch receive \(rb)")
        #expect(try site.part(tags[0], "state") == "received")

        // The factory's verdicts, once each; an appeal, and the second verdict it gets.
        #expect(try site.ok("verdict \(tags[0]) accepted").lastText == "\(tags[0]): 1 old part accepted, credit 150.00")
        #expect(try site.ok("verdict \(tags[1]) rejected reason=no_fault_found").lastText
                == "\(tags[1]): 1 old part rejected (no_fault_found), 150.00 charged back")
        try site.ok("verdict \(tags[2]) rejected reason=not_genuine note=\"housing replaced\"")
        try site.ok("verdict \(faw) missing")
        let again = try site.client.send("verdict \(tags[0]) accepted")
        #expect(again.code == 409 && again.lastText.contains("has its verdict already"), "\(again)")
        #expect(try site.ok("claim appeal \(tags[1]) note=\"retested: fault confirmed\"").lastText == "1 old part appealed: \(tags[1])")
        #expect(try site.ok("verdict \(tags[1]) accepted credit=120").lastText == "\(tags[1]): 1 old part accepted, credit 120.00")
        #expect(try site.client.send("claim appeal \(tags[1])").code == 409)
        #expect(try site.client.send("verdict \(tags[1]) rejected reason=late").code == 409)

        let shown = try site.ok("claim show C-1")
        #expect(shown.lastText == "C-1: 3 old parts")
        #expect(shown.body.contains { $0.contains(tags[2]) && $0.contains("rejected") && $0.contains(rb) })

        // 4 parts wanted, 3 shipped; 4 decided, 2 accepted; 150 + 120 credited; 1200 + 99.99
        // charged back; one rejection left, not genuine.
        try site.ok("format json")
        let report = try #require(try site.ok("report warranty").json)
        for field in ["\"claims\":2", "\"parts\":4", "\"return_rate_pct\":\"75.0\"", "\"acceptance_rate_pct\":\"50.0\"",
                      "\"credited\":\"270.00\"", "\"charged_back\":\"1299.99\"", "\"reason\":\"not_genuine\""] {
            #expect(report.contains(field), "\(field) in \(report)")
        }
        let defects = try #require(try site.ok("report defects by=supplier").json)
        #expect(defects.contains("{\"key\":\"BOSCH\",\"description\":null,\"supplier\":null,\"claims\":2,\"parts\":3,"), "\(defects)")
        try site.ok("format text")
        let byPart = try site.ok("report defects")
        #expect(byPart.lastText.hasPrefix("2 parts, claims from "))
        #expect(try site.ok("report warranty oem=FAW").lastText == "1 claims, 1 old parts, 0.00 at risk")
        #expect(try site.daemon.sql("SELECT count(*) FROM ledger_discrepancy").scalar == "0")
    }

    @Test func partsNeverCalledBackAreDestroyedAfterTheirRetention() throws {
        let site = try WarrantySite(rules: "request_days=1 retention_days=3")
        try site.ok("claim new SAIC C-OLD P-1001:1 ECU-7:1 vin=V1 failure=F1 claimed=\(try site.day(-4))")
        try site.ok("claim new SAIC C-NEW P-1001:1 vin=V2 failure=F1")
        let old = try site.tags("C-OLD"), new = try site.tags("C-NEW")[0]
        let early = try site.client.send("oldparts scrap \(new) --expired")
        #expect(early.code == 409 && early.lastText.contains("kept until"), "\(early)")
        #expect(try site.client.send("oldparts scrap").code == 400)
        let scrapped = try site.ok("oldparts scrap oem=SAIC --expired")
        #expect(scrapped.code == 201)
        #expect(scrapped.lastText.hasPrefix("WD-"))
        #expect(scrapped.body.contains { $0.hasPrefix("OLD PARTS DESTRUCTION 旧件销毁单") })
        #expect(scrapped.body.contains { $0.hasPrefix("Destroyed by 销毁人") })
        #expect(scrapped.body.contains { $0.contains(old[0]) } && scrapped.body.contains { $0.contains(old[1]) })
        #expect(!scrapped.body.contains { $0.contains(new) })
        #expect(try site.part(old[0], "state") == "scrapped")
        #expect(try site.part(new, "state") == "tagged")
        #expect(try site.client.send("oldparts scrap --expired").code == 409)
        #expect(try site.client.send("claim call C-OLD").code == 409)
        #expect(try site.ok("doc show \(scrapped.lastText)").body.contains { $0.contains("retention expired") })
    }

    @Test func jsonRepliesCarryExactDecimalsAndEveryField() throws {
        let site = try WarrantySite()
        try site.ok("format json")
        let created = try site.ok("claim new SAIC C-1 P-1001:3 vin=V1 failure=F1 amount=100")
        let object = try JSONSerialization.jsonObject(with: Data(try #require(created.json).utf8)) as! [String: Any]
        #expect(object["status"] as? String == "CREATED")
        #expect(object["claim_no"] as? String == "C-1")
        #expect(object["amount"] as? String == "100.00")
        let parts = object["parts"] as! [[String: Any]]
        // 100 shared out in cents over three tags: the first gets the cent left over.
        #expect(parts.map { $0["amount"] as? String } == ["33.34", "33.33", "33.33"])
        #expect(parts.allSatisfy { $0["state"] as? String == "tagged" && $0["quantity"] as? String == "1.000" })
        let tag = try JSONSerialization.jsonObject(with: Data(try #require(site.ok("claim tag \(parts[0]["tag_no"] as! String)").json).utf8))
            as! [String: Any]
        #expect(tag["qr_text"] as? String == parts[0]["tag_no"] as? String)
        #expect(tag["vin"] as? String == "V1")
        try site.ok("claim call C-1")
        let batch = try JSONSerialization.jsonObject(with: Data(try #require(site.ok("batch new SAIC").json).utf8)) as! [String: Any]
        #expect(batch["state"] as? String == "open")
        #expect((batch["lines"] as! [[String: Any]]).count == 3)
        #expect((batch["lines"] as! [[String: Any]])[0]["quantity_returned"] as? String == "0.000")
        let listed = try #require(site.ok("batch list").json)
        #expect(listed.contains("\"amount\":\"100.00\""), "\(listed)")
        let oem = try #require(site.ok("oem show SAIC").json)
        #expect(oem.contains("\"history\":[{\"valid_from\":\"start\",\"return\":\"called\""), "\(oem)")
        let error = try site.client.send("claim show C-404")
        #expect(error.json == "{\"error\":\"NOT_FOUND\",\"message\":\"unknown claim C-404\"}")
    }

    /// Every refusal: its code, what it says, and that nothing changed.
    @Test func everyRefusalSaysWhyAndChangesNothing() throws {
        let site = try WarrantySite(rules: "earliest_days=5")
        try site.ok("oem add SINGLE \"Single returns\" cycle=single")
        try site.ok("claim new SAIC C-1 P-1001:3 vin=V1 failure=F1")
        try site.ok("claim new SAIC C-2 P-1001:1 vin=V1 failure=F1")
        try site.ok("claim new SINGLE S-1 P-1001:1 vin=V1 failure=F1")
        try site.ok("claim new SAIC C-OLD P-1001:1 vin=V1 failure=F1 claimed=\(try site.day(-20))")
        let c1 = try site.tags("C-1"), c2 = try site.tags("C-2")[0], s1 = try site.tags("S-1")[0]
        try site.ok("claim call C-1")
        let open = try site.ok("batch new SAIC \(c1[0]) \(c1[2])").lastText
        let approved = try site.ok("batch new SAIC \(c1[1])").lastText
        try site.ok("batch box \(approved) \(c1[1]) box=1")
        try site.ok("batch approve \(approved)")
        let empty = try site.ok("batch new SAIC \(c2)").lastText
        try site.ok("batch remove \(empty) \(c2)")
        let cases: [(String, Int, String)] = [
            ("oem add SAIC \"again\"", 409, "oem SAIC already exists"),
            ("oem add X1 \"x\" ship_days=0", 422, "ship_days must be a whole number of days from 1 to 365, got 0"),
            ("oem add X1 \"x\" return=some", 422, "return must be all or called, got some"),
            ("oem add X1 \"x\" request_days=30 retention_days=10", 422, "retention_days (10) must be at least request_days (30)"),
            ("oem add X1 \"x\" earliest_days=soon", 422, "earliest_days must be a whole number of days from 0 to 365 (or none), got soon"),
            ("oem add X1 \"x\" cycle=daily", 422, "cycle must be monthly, weekly or single, got daily"),
            ("oem add bad/code \"x\"", 422, "is not a valid oem code"),
            ("oem set NOPE ship_days=3", 404, "unknown oem NOPE"),
            ("oem set SAIC", 400, "nothing to set"),
            ("oem set SAIC from=2026-02-30 ship_days=3", 422, "from must be a date"),
            ("oem show NOPE", 404, "unknown oem NOPE"),
            ("claim new NOPE C-9 P-1001:1 vin=V1 failure=F1", 404, "unknown oem NOPE"),
            ("claim new SAIC C-9 P-404:1 vin=V1 failure=F1", 404, "unknown part P-404"),
            ("claim new SAIC C-1 P-1001:1 vin=V1 failure=F1", 409, "claim C-1 exists already (SAIC, claimed "),
            ("claim new SAIC C-9 P-1001:1 failure=F1", 400, "claim new needs vin="),
            ("claim new SAIC C-9 P-1001 vin=V1 failure=F1", 400, "is not <part_no>:<qty> or <part_no>#<serial>"),
            ("claim new SAIC C-9 P-1001:1.5 vin=V1 failure=F1", 422, "P-1001 is counted in PCS"),
            ("claim new SAIC C-9 P-1001:0 vin=V1 failure=F1", 422, "must be greater than zero"),
            ("claim new SAIC C-9 P-1001#S1 P-1001#S1 vin=V1 failure=F1", 422, "appears twice"),
            ("claim new SAIC TG-2026-1 P-1001:1 vin=V1 failure=F1", 422, "is not a valid claim number"),
            ("claim new SAIC C-9 P-1001:1 vin=V1 failure=F1 claimed=\(try site.day(1))", 422, "is after today"),
            ("claim new SAIC C-9 P-1001:1 vin=V1 failure=F1 claimed=\(try site.day(-2)) repaired=\(try site.day(-1))", 422,
             "is after the claim date"),
            ("claim new SAIC C-9 P-1001:1@10 vin=V1 failure=F1 amount=20", 422, "amount=20.00 is not the sum of the lines' amounts (10.00)"),
            ("claim new SAIC C-9 P-1001:1@10.005 vin=V1 failure=F1", 422, "has more than 2 decimal places"),
            ("claim new SAIC C-9 P-1001:1 vin=V1 failure=F1 mileage=-3", 422, "mileage must be a whole number of km"),
            ("claim new SAIC C-9 P-1001:300 vin=V1 failure=F1", 422, "a claim tags at most 200 old parts, these lines make 300"),
            ("claim new SAIC C-9 P-1001:1 vin=V1 failure=F1 location=MAIN", 422, "MAIN is a warehouse location, not an oldparts location"),
            ("claim call TG-2026-999999", 404, "unknown tag TG-2026-999999"),
            ("claim call C-404", 404, "unknown claim C-404"),
            ("claim call \(c1[0])", 409, "was called back on"),
            ("claim call C-1", 409, "C-1: no old part waiting for a call-back"),
            ("claim call C-OLD", 409, "the call-back window of claim C-OLD closed on"),
            ("claim call C-2 called=\(try site.day(-3))", 422, "is before claim C-2's date"),
            ("claim call TG-x", 422, "is not a tag number"),
            ("claim appeal \(c1[0])", 409, "an appeal contests a rejection or a charge-back"),
            ("batch new SAIC", 409, "no old parts of SAIC are due for return at OLDPARTS"),
            ("batch new SINGLE", 422, "SINGLE takes single returns: name the tags to ship"),
            ("batch new SAIC \(s1)", 409, "is a part of SINGLE (claim S-1), RB-"),
            ("batch new SAIC \(c1[0])", 409, "is packed in \(open) already"),
            ("batch new SAIC month=2026-13", 422, "month must be like 2026-11"),
            ("batch new SAIC \(c2) mode=ship", 422, "mode must be one of"),
            ("batch add \(approved) \(c2)", 409, "\(approved) is approved: parts are added while a batch is open"),
            ("batch add \(open) \(c1[1])", 409, "is packed in \(approved) already"),
            ("batch add RB-2026-999999 \(c2)", 404, "unknown batch RB-2026-999999"),
            ("batch add RB-1 \(c2)", 422, "is not a batch number"),
            ("batch remove \(open) \(c2)", 409, "\(c2) is not in \(open)"),
            ("batch remove \(approved) \(c1[1])", 409, "is approved: parts are removed while a batch is open"),
            ("batch box \(open) \(c1[0]) box=0", 422, "box must be a box number from 1 to 9999"),
            ("batch box \(open) \(c1[0])", 400, "batch box needs box=<n>"),
            ("batch approve \(empty)", 409, "\(empty) is empty: nothing to approve"),
            ("batch approve \(approved)", 409, "is approved: only an open batch is approved"),
            ("batch ship \(open)", 409, "is open: a manager approves a batch before it ships"),
            ("batch ship \(approved)", 409, "may ship from"),
            ("batch receive \(approved)", 409, "is approved: only a shipped batch is received"),
            ("batch show RB-2026-999999", 404, "unknown batch"),
            ("verdict \(c1[0]) accepted", 409, "the factory inspects a part once it was shipped"),
            ("verdict \(c2) missing", 409, "a part is missing once its maker wanted it back"),
            ("verdict C-2 accepted", 409, "claim C-2 has no old part waiting for a verdict"),
            ("verdict \(c1[0]) rejected", 422, "a rejection needs reason=<code>; reasons: fault_mismatch (fault does not match the claim)"),
            ("verdict \(c1[0]) rejected reason=ugly", 422, "unknown reason ugly"),
            ("verdict \(c1[0]) missing reason=late", 422, "reason= is for a rejected verdict"),
            ("verdict \(c1[0]) rejected reason=late credit=3", 422, "credit= is for an accepted verdict"),
            ("verdict C-1 accepted credit=3", 422, "credit= is one part's credit and C-1 has several"),
            ("verdict \(c1[0]) maybe", 422, "a verdict is accepted, rejected, missing, got maybe"),
            ("oldparts scrap --expired", 409, "no old parts at OLDPARTS are past their retention"),
            ("oldparts scrap \(c2) --expired", 409, "only a part never called back and kept past its retention is scrapped"),
            ("oldparts scrap", 400, "say so with --expired"),
            ("receive OLDPARTS P-1001:1@10", 422, "OLDPARTS is an old-parts location: warranty old parts are not stock"),
            ("transfer MAIN OLDPARTS P-1001:1", 422, "OLDPARTS is an old-parts location"),
            ("claim show C-404", 404, "unknown claim C-404"),
            ("claim tag TG-2026-999999", 404, "unknown tag TG-2026-999999"),
            ("claim list state=lost", 422, "state must be one of tagged, due, called"),
            ("claim list oem=NOPE", 404, "unknown oem NOPE"),
            ("report warranty month=11-2026", 422, "month must be like 2026-11"),
            ("report defects by=colour", 422, "by must be one of part, supplier, failure"),
            ("part set P-1001 warranty_return=maybe", 422, "warranty_return must be yes or no"),
        ]
        for (line, code, message) in cases {
            let before = try site.state()
            let reply = try site.client.send(line)
            #expect(reply.code == code && reply.lastText.contains(message), "\(line)\n→ \(reply)")
            #expect(try site.state() == before, "\(line) changed something")
        }
    }

    /// The protocol table's roles: a viewer reads, a clerk files, calls, packs and ships, a
    /// manager sets rules, approves, records verdicts and scraps. Refused is 403 and nothing.
    @Test func eachCommandNeedsItsRole() throws {
        let site = try WarrantySite()
        try site.ok("claim new SAIC C-1 P-1001:1 vin=V1 failure=F1")
        let tag = try site.tags("C-1")[0]
        let before = try site.state()
        let refused: [(UInt32, [String])] = [
            (TestDaemon.viewerUID, ["claim new SAIC C-2 P-1001:1 vin=V1 failure=F1", "claim call C-1", "claim appeal C-1",
                                    "batch new SAIC \(tag)", "batch add RB-2026-000001 \(tag)", "batch ship RB-2026-000001",
                                    "batch receive RB-2026-000001"]),
            (TestDaemon.clerkUID, ["oem add X1 \"x\"", "oem set SAIC ship_days=3", "batch approve RB-2026-000001",
                                   "verdict \(tag) accepted", "oldparts scrap --expired"]),
        ]
        for (uid, lines) in refused {
            let replies = try site.daemon.socat(as: uid, lines).split(separator: "\n").dropFirst()
            #expect(replies.count == lines.count)
            for (line, reply) in zip(lines, replies) { #expect(reply.hasPrefix("403 FORBIDDEN"), "\(line) → \(reply)") }
        }
        #expect(try site.state() == before)
        let viewer = try site.daemon.socat(as: TestDaemon.viewerUID, ["oem list", "oem show SAIC", "claim show C-1", "claim list",
                                                                      "claim tag \(tag)", "report warranty", "report defects"])
        #expect(viewer.components(separatedBy: "\n200 OK").count == 8, "\(viewer)")
        let clerk = try site.daemon.socat(as: TestDaemon.clerkUID, ["claim call C-1", "batch new SAIC"])
        #expect(clerk.contains("200 OK 1 old part called back") && clerk.contains("201 CREATED RB-"), "\(clerk)")
        let manager = try site.daemon.socat(as: TestDaemon.managerUID, ["batch box RB-\(try site.day(0).prefix(4))-000001 \(tag) box=1",
                                                                        "batch approve RB-\(try site.day(0).prefix(4))-000001"])
        #expect(manager.contains("approved: 1 old part in 1 box"), "\(manager)")
    }

    /// Every command that changes data, sent again with its ref: the first reply again, and
    /// nothing changed; the ref with other content is a conflict.
    @Test func everyWarrantyCommandReplaysItsRef() throws {
        let site = try WarrantySite()
        try site.ok("oem add OLD \"Keeps little\" request_days=1 retention_days=1")
        try site.ok("claim new OLD O-1 P-1001:1 vin=V1 failure=F1 claimed=\(try site.day(-5))")
        let year = try site.day(0).prefix(4)
        let tag1 = "TG-\(year)-000002", tag2 = "TG-\(year)-000003", rb = "RB-\(year)-000001"
        let lines = [
            "oem add FAW \"FAW 一汽\" return=all ref=w1",
            "oem set SAIC appeal_days=20 ref=w2",
            "claim new SAIC C-1 P-1001:2@50 vin=V1 failure=F1 ref=w3",
            "claim call C-1 ref=w4",
            "batch new SAIC ref=w5",
            "batch remove \(rb) \(tag2) ref=w6",
            "batch add \(rb) \(tag2) ref=w7",
            "batch box \(rb) C-1 box=1 ref=w8",
            "batch approve \(rb) ref=w9",
            "batch ship \(rb) carrier=SF ref=w10",
            "batch receive \(rb) ref=w11",
            "verdict \(tag1) rejected reason=late ref=w12",
            "claim appeal \(tag1) ref=w13",
            "verdict \(tag1) accepted ref=w14",
            "oldparts scrap --expired ref=w15",
            "part set ECU-7 warranty_return=yes ref=w16",
        ]
        for line in lines {
            let first = try site.ok(line)
            let state = try site.state()
            let retry = try site.daemon.connect().send(line)
            #expect(retry.lines == first.lines, "\(line)")
            #expect(try site.state() == state, "\(line) changed something on its retry")
        }
        let reused = try site.client.send("claim call C-1 called=\(try site.day(-1)) ref=w4")
        #expect(reused.code == 409 && reused.lastText.contains("ref w4 was already used"), "\(reused)")
        #expect(try site.daemon.sql("SELECT count(*) FROM audit_log WHERE ref LIKE 'w%' AND reply_code < 300").scalar == "16")
    }
}
