package org.mediaproxy.dispatcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.mediaproxy.common.json.PythonJson;
import org.mediaproxy.common.config.DialogIdFormat;

/**
 * Plays the original 4.1.2 dispatcher's recorded traffic against this dispatcher: the OpenSIPS
 * requests, the relay's answers and notices, the management commands go in; every byte this
 * dispatcher sends to OpenSIPS, the relay and management clients must equal what the original
 * sent. The MI datagram is checked against the OpenSIPS transcript of the same run.
 */
class TranscriptReplayTest extends EndToEndBase {

    private static final Pattern MI_ID = Pattern.compile("\"id\": \"([0-9a-f]+)\"");

    @Test
    void behavesByteForByteLikeTheOriginal() throws Exception {
        FakeOpenSipsMi[] mi = new FakeOpenSipsMi[1];
        TestDispatcher dispatcher = dispatcher(settings -> {
            settings.dialogIdFormat = DialogIdFormat.DECIMAL; // the original's form, as in the recording
            settings.version = "4.1.2";
            try {
                mi[0] = closeLater(FakeOpenSipsMi.bind(relayGroup, settings.opensipsMi));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        TestRelay relay = closeLater(TestRelay.connect(relayGroup, RELAY_A, dispatcher.relayAddress(),
                relayCredentials.clientContext(), null));
        OpenSipsTestClient opensips = opensips(dispatcher);
        Map<String, ManagementTestClient> management = new HashMap<>();
        List<String> relayRecords = new ArrayList<>();
        int pongs = 0;
        int checked = 0;

        for (Transcript.Event event : Transcript.dispatcherEvents()) {
            String bytes = event.bytes();
            switch (event.channel()) {
                case RELAY -> {
                    if (event.in()) {
                        relay.sendRaw(bytes);
                        if (bytes.startsWith("expired ")) {
                            relayRecords.add(bytes.substring(8, bytes.length() - 2));
                            endDialogLikeTheOriginal(mi[0]);
                        } else if (bytes.matches("(?s)\\d+ \\{\"call_id\".*")) {
                            relayRecords.add(bytes.substring(bytes.indexOf(' ') + 1, bytes.length() - 2));
                        }
                    } else if (bytes.equals("pong\r\n")) {
                        int expected = ++pongs;
                        eventually("pong " + expected, () -> relay.pongs() == expected);
                    } else {
                        TestRelay.Command command = relay.nextCommand(WAIT);
                        assertNotNull(command, "the relay expected " + bytes);
                        assertEquals(bytes, command.wireText());
                    }
                }
                case OPENSIPS -> {
                    if (event.in()) {
                        opensips.send(bytes);
                    } else {
                        assertEquals(bytes, opensips.readLine(WAIT) + "\r\n");
                    }
                }
                case MANAGEMENT -> {
                    ManagementTestClient client = management.get(event.peer());
                    if (client == null) {
                        client = management(dispatcher);
                        management.put(event.peer(), client);
                    }
                    if (event.in()) {
                        client.send(bytes.substring(0, bytes.length() - 2));
                        if (bytes.equals("quit\r\n")) {
                            assertNull(client.readLine());
                        }
                    } else {
                        assertEquals(bytes, client.readLine() + "\r\n");
                    }
                }
            }
            checked++;
        }
        assertEquals(79, checked, "every recorded message replayed");

        // Accounting got the relay's records with the dispatcher's keys appended, unchanged otherwise.
        assertEquals(2, relayRecords.size());
        String removed = relayRecords.get(0);
        assertEquals(removed.substring(0, removed.length() - 1) + ", \"dialog_id\": \"309478715165\", \"timed_out\": false}",
                PythonJson.write(dispatcher.nextRecord(WAIT)));
        String expired = relayRecords.get(1);
        assertEquals(expired.substring(0, expired.length() - 1)
                        + ", \"timed_out\": true, \"dialog_id\": \"387548970165\", \"all_streams_ice\": false}",
                PythonJson.write(dispatcher.nextRecord(WAIT)));
    }

    /** The datagram of opensips-transcript.txt, with this run's random id; answered like OpenSIPS. */
    private static void endDialogLikeTheOriginal(FakeOpenSipsMi mi) throws InterruptedException {
        String datagram = mi.next(WAIT);
        assertNotNull(datagram, "no dlg_end_dlg sent");
        Matcher id = MI_ID.matcher(datagram);
        assertTrue(id.find(), datagram);
        assertEquals("{\"jsonrpc\": \"2.0\", \"id\": \"" + id.group(1)
                + "\", \"method\": \"dlg_end_dlg\", \"params\": [\"387548970165\"]}", datagram);
        mi.answer("{\"jsonrpc\": \"2.0\", \"result\": \"OK\", \"id\": \"" + id.group(1) + "\"}");
    }
}
