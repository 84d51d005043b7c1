package org.mediaproxy.common.config;

/**
 * How the dispatcher names a dialog when it asks OpenSIPS to end it ({@code [OpenSIPS]
 * dialog_id_format}, our option): {@code hex} = {@code <h_entry hex>.<h_id hex>}, the form
 * OpenSIPS 3.1 and later accept; {@code callid} = the Call-ID; {@code decimal} = the 64-bit
 * decimal form the original sends, understood only before OpenSIPS 3.1.
 */
public enum DialogIdFormat {
    HEX, CALLID, DECIMAL
}
