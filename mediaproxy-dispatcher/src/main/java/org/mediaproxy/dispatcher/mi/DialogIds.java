package org.mediaproxy.dispatcher.mi;

import org.mediaproxy.common.config.DialogIdFormat;

/**
 * The {@code dialog_id} parameter of {@code dlg_end_dlg} ({@code [OpenSIPS] dialog_id_format}).
 * The module reports dialog ids as the decimal number {@code (h_entry << 32) | h_id}; since 3.1
 * OpenSIPS only accepts {@code <h_entry>.<h_id>} in its reverse-hex notation there, or a Call-ID,
 * and answers 404 to the decimal form – which is why the original never ended a timed-out call on
 * a current OpenSIPS.
 */
public final class DialogIds {

    private DialogIds() {
    }

    /** The parameter naming the dialog with this module dialog id and Call-ID. */
    public static String parameter(DialogIdFormat format, String dialogId, String callId) {
        switch (format) {
            case CALLID:
                return callId;
            case DECIMAL:
                return dialogId;
            default:
                long id;
                try {
                    id = Long.parseUnsignedLong(dialogId);
                } catch (NumberFormatException e) {
                    return dialogId; // not the module's decimal form: pass it on as it came
                }
                return reverseHex(id >>> 32) + "." + reverseHex(id & 0xFFFFFFFFL);
        }
    }

    /** OpenSIPS's {@code int2reverse_hex}: lower-case hex digits, least significant first. */
    static String reverseHex(long value) {
        if (value == 0) {
            return "0";
        }
        StringBuilder digits = new StringBuilder(8);
        for (long rest = value; rest != 0; rest >>>= 4) {
            digits.append(Character.forDigit((int) (rest & 0xF), 16));
        }
        return digits.toString();
    }
}
