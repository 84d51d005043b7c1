package org.mediaproxy.relay.forwarding;

/** Codec names for the session record, from the payload type of a party's first RTP packet. */
public final class RtpPayloadType {

    /** Codec of a party that never sent a media packet. */
    public static final String UNKNOWN = "Unknown";

    private static final String[] STATIC_NAMES = new String[35];

    static {
        String[][] table = {
            {"0", "G711u"}, {"1", "1016"}, {"2", "G721"}, {"3", "GSM"}, {"4", "G723"}, {"5", "DVI4"},
            {"6", "DVI4"}, {"7", "LPC"}, {"8", "G711a"}, {"9", "G722"}, {"10", "L16"}, {"11", "L16"},
            {"14", "MPA"}, {"15", "G728"}, {"18", "G729"}, {"25", "CelB"}, {"26", "JPEG"}, {"28", "nv"},
            {"31", "H261"}, {"32", "MPV"}, {"33", "MP2T"}, {"34", "H263"},
        };
        for (String[] entry : table) {
            STATIC_NAMES[Integer.parseInt(entry[0])] = entry[1];
        }
    }

    private RtpPayloadType() {
    }

    /** Name for payload type {@code pt} (0-127): a static name, {@code Dynamic(pt)} above 95, else {@code Unknown(pt)}. */
    public static String name(int pt) {
        if (pt > 95) {
            return "Dynamic(" + pt + ")";
        }
        if (pt < STATIC_NAMES.length && STATIC_NAMES[pt] != null) {
            return STATIC_NAMES[pt];
        }
        return "Unknown(" + pt + ")";
    }

    /**
     * Codec of a datagram: the payload type is the low seven bits of its second byte, read whatever
     * the payload really is (T.38 or plain UDP give meaningless names, as in the original).
     */
    public static String of(int length, long head) {
        if (length < 2) {
            return UNKNOWN;
        }
        return name((int) (head >>> 48) & 0x7F);
    }
}
