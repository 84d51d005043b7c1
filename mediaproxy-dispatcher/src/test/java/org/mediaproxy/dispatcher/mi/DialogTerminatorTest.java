package org.mediaproxy.dispatcher.mi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.mediaproxy.common.config.DialogIdFormat;

/** The dlg_end_dlg request and the parsing of OpenSIPS's answers, against captured datagrams. */
class DialogTerminatorTest {

    static String fixture(String name) throws IOException {
        try (InputStream in = DialogTerminatorTest.class.getResourceAsStream("/fixtures/opensips-3.6/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void requestIsByteForByteWhatOpenSipsWasSent() throws IOException {
        assertEquals(fixture("mi-dlg_end_dlg-did/datagram.sent"), DialogTerminator.request("1", "68b.b709a783"));
        assertEquals(fixture("mi-dlg_end_dlg-callid/datagram.sent"), DialogTerminator.request("1", "1-24374@127.0.0.1"));
        assertEquals(fixture("mi-dlg_end_dlg-decimal/datagram.sent"), DialogTerminator.request("1", "3239851150759"));
    }

    @Test
    void hexFormIsReverseHexOfEntryAndId() {
        // spec example: h_entry 689, h_id 24378 -> 2959232491322 -> "1b2.a3f5"
        assertEquals("1b2.a3f5", DialogIds.parameter(DialogIdFormat.HEX, "2959232491322", "x@h"));
        // h_entry 0xb86 and h_id 0x387a907b give the id of the captured "did" datagram
        long moduleId = (0xb86L << 32) | 0x387a907bL;
        assertEquals("68b.b709a783", DialogIds.parameter(DialogIdFormat.HEX, Long.toString(moduleId), "x@h"));
        assertEquals("0.0", DialogIds.parameter(DialogIdFormat.HEX, "0", "x@h"));
        assertEquals("ffffffff.ffffffff", DialogIds.parameter(DialogIdFormat.HEX, Long.toUnsignedString(-1L), "x@h"));
        assertEquals("not-a-number", DialogIds.parameter(DialogIdFormat.HEX, "not-a-number", "x@h"));
    }

    @Test
    void otherFormsUseTheCallIdOrTheDecimalText() {
        assertEquals("1-24374@127.0.0.1", DialogIds.parameter(DialogIdFormat.CALLID, "3239851150759", "1-24374@127.0.0.1"));
        assertEquals("3239851150759", DialogIds.parameter(DialogIdFormat.DECIMAL, "3239851150759", "1-24374@127.0.0.1"));
    }

    @Test
    void parsesOpenSipsAnswers() throws IOException {
        assertEquals(new MiReply.Result("1"), MiReply.parse(fixture("mi-dlg_end_dlg-did/datagram.reply")));
        assertEquals(new MiReply.Failure("1", 404, "Requested Dialog not found"),
                MiReply.parse(fixture("mi-dlg_end_dlg-decimal/datagram.reply")));
        assertEquals(new MiReply.Plain(404, "Requested Dialog not found"), MiReply.parse("404 Requested Dialog not found\n"));
        assertInstanceOf(MiReply.Unparsable.class, MiReply.parse("{broken"));
        assertInstanceOf(MiReply.Unparsable.class, MiReply.parse("hello"));
        assertInstanceOf(MiReply.Unparsable.class, MiReply.parse("{\"jsonrpc\": \"2.0\"}"));
    }
}
