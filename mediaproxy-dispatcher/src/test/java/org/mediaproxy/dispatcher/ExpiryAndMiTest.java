package org.mediaproxy.dispatcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.mediaproxy.common.json.PythonJson;
import org.mediaproxy.common.config.DialogIdFormat;
import org.mediaproxy.dispatcher.mi.DialogTerminator;

/** Expired sessions: accounting, dlg_end_dlg through a datagram socket playing OpenSIPS, reconciliation. */
class ExpiryAndMiTest extends EndToEndBase {

    private static final Duration REPLY = Duration.ofSeconds(2);
    private static final Pattern REQUEST = Pattern.compile(
            "\\{\"jsonrpc\": \"2\\.0\", \"id\": \"([0-9a-f]{1,8})\", \"method\": \"dlg_end_dlg\", \"params\": \\[\"(.*)\"\\]\\}");
    private static final String DIALOG = "2959232491322";

    private static String reply(String fixtureCase, String id) throws IOException {
        try (InputStream in = ExpiryAndMiTest.class.getResourceAsStream("/fixtures/opensips-3.6/" + fixtureCase + "/datagram.reply")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("\"id\":\"1\"", "\"id\":\"" + id + "\"");
        }
    }

    private FakeOpenSipsMi mi(TestDispatcher.Builder settings) throws InterruptedException {
        return closeLater(FakeOpenSipsMi.bind(relayGroup, settings.opensipsMi));
    }

    /** Sets up an answered, dialog-tracked call on relay A. */
    private void call(OpenSipsTestClient opensips, String callId) throws IOException {
        assertTrue(opensips.request(Requests.invite(callId, DIALOG, null), REPLY).startsWith("203.0.113.5 "));
        assertTrue(opensips.request(Requests.answer(callId, DIALOG), REPLY).startsWith("203.0.113.5 "));
    }

    private static Matcher request(String datagram) {
        assertNotNull(datagram, "OpenSIPS MI received no datagram");
        Matcher matcher = REQUEST.matcher(datagram);
        assertTrue(matcher.matches(), datagram);
        return matcher;
    }

    @Test
    void aTimedOutCallIsAccountedAndItsDialogEndedInTheFormCurrentOpenSipsAccepts() throws Exception {
        FakeOpenSipsMi[] mi = new FakeOpenSipsMi[1];
        TestDispatcher dispatcher = dispatcher(settings -> {
            try {
                mi[0] = mi(settings);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        FakeRelay a = new FakeRelay("203.0.113.5");
        TestRelay relay = relay(dispatcher, RELAY_A, a);
        OpenSipsTestClient opensips = opensips(dispatcher);
        call(opensips, "media-died");
        relay.nextCommand(WAIT);
        relay.nextCommand(WAIT);

        String notice = a.expire("media-died", "no-traffic timeout");
        try (LogCapture log = new LogCapture(DialogTerminator.class)) {
            relay.send(notice);
            Matcher sent = request(mi[0].next(WAIT));
            assertEquals("1b2.a3f5", sent.group(2), "h_entry 689, h_id 24378 in reverse hex");
            mi[0].answer(reply("mi-dlg_end_dlg-did", sent.group(1)));
            eventually("success logged", () -> log.contains("OpenSIPS ended the dialog of call media-died"));
        }
        String record = PythonJson.write(dispatcher.nextRecord(WAIT));
        assertTrue(record.endsWith(", \"timed_out\": true, \"dialog_id\": \"" + DIALOG + "\", \"all_streams_ice\": false}"), record);

        relay.send(notice);
        assertNull(dispatcher.nextRecord(Duration.ofMillis(300)), "a repeated expired notice is not accounted again");
        assertNull(mi[0].next(Duration.ofMillis(100)), "nor is the dialog ended twice");
        assertEquals("removed", opensips.request(Requests.remove("media-died"), REPLY), "OpenSIPS tears the dialog down");
        assertNull(relay.nextCommand(Duration.ofMillis(200)), "answered without the relay, which dropped the call already");
        assertNull(dispatcher.nextRecord(Duration.ofMillis(100)), "accounted once");
        assertEquals("error", opensips.request(Requests.remove("media-died"), REPLY));
    }

    @Test
    void theLegacyDecimalFormIsRefusedByCurrentOpenSipsAndTheRefusalLogged() throws Exception {
        FakeOpenSipsMi[] mi = new FakeOpenSipsMi[1];
        TestDispatcher dispatcher = dispatcher(settings -> {
            settings.dialogIdFormat = DialogIdFormat.DECIMAL;
            try {
                mi[0] = mi(settings);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        FakeRelay a = new FakeRelay("203.0.113.5");
        TestRelay relay = relay(dispatcher, RELAY_A, a);
        OpenSipsTestClient opensips = opensips(dispatcher);
        call(opensips, "legacy");
        try (LogCapture log = new LogCapture(DialogTerminator.class)) {
            relay.send(a.expire("legacy", "conntrack timeout"));
            Matcher sent = request(mi[0].next(WAIT));
            assertEquals(DIALOG, sent.group(2));
            mi[0].answer(reply("mi-dlg_end_dlg-decimal", sent.group(1)));
            eventually("404 logged", () -> log.contains("refused to end dialog " + DIALOG + " of call legacy: 404 Requested Dialog not found"));
            assertTrue(log.contains("dialog_id_format = hex or callid"), log.messages().toString());
        }
        assertNull(mi[0].next(Duration.ofMillis(300)), "a refusal is not retried");
    }

    @Test
    void theCallIdFormSendsTheCallId() throws Exception {
        FakeOpenSipsMi[] mi = new FakeOpenSipsMi[1];
        TestDispatcher dispatcher = dispatcher(settings -> {
            settings.dialogIdFormat = DialogIdFormat.CALLID;
            try {
                mi[0] = mi(settings);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        FakeRelay a = new FakeRelay("203.0.113.5");
        TestRelay relay = relay(dispatcher, RELAY_A, a);
        OpenSipsTestClient opensips = opensips(dispatcher);
        call(opensips, "1-24374@127.0.0.1");
        relay.send(a.expire("1-24374@127.0.0.1", "on hold timeout"));
        Matcher sent = request(mi[0].next(WAIT));
        assertEquals("1-24374@127.0.0.1", sent.group(2));
        mi[0].answer(reply("mi-dlg_end_dlg-callid", sent.group(1)));
    }

    @Test
    void iceOnlyAndUnansweredExpiriesEndNoDialog() throws Exception {
        FakeOpenSipsMi[] mi = new FakeOpenSipsMi[1];
        TestDispatcher dispatcher = dispatcher(settings -> {
            try {
                mi[0] = mi(settings);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        FakeRelay a = new FakeRelay("203.0.113.5");
        TestRelay relay = relay(dispatcher, RELAY_A, a);
        OpenSipsTestClient opensips = opensips(dispatcher);
        call(opensips, "ice-call");
        relay.send(a.expire("ice-call", "unselected ICE candidate"));
        String record = PythonJson.write(dispatcher.nextRecord(WAIT));
        assertTrue(record.endsWith(", \"timed_out\": false, \"dialog_id\": \"" + DIALOG + "\", \"all_streams_ice\": true}"), record);
        assertEquals("error", opensips.request(Requests.remove("ice-call"), REPLY), "the session was deleted at once");

        assertTrue(opensips.request(Requests.invite("unanswered", DIALOG, null), REPLY).startsWith("203.0.113.5 "));
        relay.send(a.expire("unanswered", "no-traffic timeout"));
        assertEquals("error", opensips.request(Requests.remove("unanswered"), REPLY));
        assertNull(dispatcher.nextRecord(Duration.ofMillis(200)), "a call never answered is not accounted");
        assertNull(mi[0].next(Duration.ofMillis(200)), "no dialog ended for either");
    }

    @Test
    void anExpiryFromARelayThatDoesNotOwnTheCallIsIgnored() throws Exception {
        TestDispatcher dispatcher = dispatcher();
        FakeRelay a = new FakeRelay("203.0.113.5");
        FakeRelay b = new FakeRelay("203.0.113.9");
        relay(dispatcher, RELAY_A, a);
        TestRelay relayB = relay(dispatcher, RELAY_B, b);
        OpenSipsTestClient opensips = opensips(dispatcher);
        assertTrue(opensips.request(Requests.invite("owned-by-a", DIALOG, RELAY_A), REPLY).startsWith("203.0.113.5 "));
        assertTrue(opensips.request(Requests.answer("owned-by-a", DIALOG), REPLY).startsWith("203.0.113.5 "));
        b.calls.put("owned-by-a", a.calls.get("owned-by-a"));
        relayB.send(b.expire("owned-by-a", "no-traffic timeout"));
        relayB.send("ping");
        eventually("B's lines processed", () -> relayB.pongs() == 1);
        assertNull(dispatcher.nextRecord(Duration.ofMillis(100)));
        assertEquals("removed", opensips.request(Requests.remove("owned-by-a"), REPLY), "still on A");
    }

    @Test
    void aRelayThatReconnectsWithoutACallMakesTheDispatcherEndItsDialog() throws Exception {
        FakeOpenSipsMi[] mi = new FakeOpenSipsMi[1];
        TestDispatcher dispatcher = dispatcher(settings -> {
            try {
                mi[0] = mi(settings);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        TestRelay first = relay(dispatcher, RELAY_A, new FakeRelay("203.0.113.5"));
        OpenSipsTestClient opensips = opensips(dispatcher);
        call(opensips, "lost-in-restart");
        // the relay restarted: same address, no calls
        relay(dispatcher, RELAY_A, new FakeRelay("203.0.113.5"));
        assertTrue(first.awaitClosed(WAIT), "the previous connection of the relay is closed");
        Matcher sent = request(mi[0].next(WAIT));
        assertEquals("1b2.a3f5", sent.group(2));
        assertEquals("error", opensips.request(Requests.remove("lost-in-restart"), REPLY));
    }
}
