package org.mediaproxy.dispatcher.accounting.radius;

import org.tinyradius.attribute.IntegerAttribute;
import org.tinyradius.attribute.IpAttribute;
import org.tinyradius.attribute.RadiusAttribute;
import org.tinyradius.attribute.StringAttribute;

/**
 * The attributes of MediaProxy's Accounting-Request (accounting.md §3), with the number each has
 * when the dictionaries do not say otherwise and the kind of value it carries.
 *
 * <p>The value kind is fixed here rather than taken from the dictionaries because OpenSIPS's own
 * dictionary declares Sip-From-Tag and Sip-To-Tag as {@code integer}, while their values are tags
 * (text), which is also what RADIUS servers and CDRTool expect to receive.
 */
enum UpdateAttribute {
    ACCT_STATUS_TYPE("Acct-Status-Type", 40, IntegerAttribute.class),
    USER_NAME("User-Name", 1, StringAttribute.class),
    ACCT_SESSION_ID("Acct-Session-Id", 44, StringAttribute.class),
    ACCT_SESSION_TIME("Acct-Session-Time", 46, IntegerAttribute.class),
    ACCT_INPUT_OCTETS("Acct-Input-Octets", 42, IntegerAttribute.class),
    ACCT_OUTPUT_OCTETS("Acct-Output-Octets", 43, IntegerAttribute.class),
    /** RFC 2869: how many times Acct-Input-Octets wrapped around 2^32; sent only when it did. */
    ACCT_INPUT_GIGAWORDS("Acct-Input-Gigawords", 52, IntegerAttribute.class),
    ACCT_OUTPUT_GIGAWORDS("Acct-Output-Gigawords", 53, IntegerAttribute.class),
    SIP_FROM_TAG("Sip-From-Tag", 206, StringAttribute.class),
    SIP_TO_TAG("Sip-To-Tag", 207, StringAttribute.class),
    NAS_IP_ADDRESS("NAS-IP-Address", 4, IpAttribute.class),
    SIP_USER_AGENTS("Sip-User-Agents", 235, StringAttribute.class),
    SIP_APPLICATIONS("Sip-Applications", 236, StringAttribute.class),
    MEDIA_CODECS("Media-Codecs", 233, StringAttribute.class),
    MEDIA_INFO("Media-Info", 234, StringAttribute.class),
    ACCT_DELAY_TIME("Acct-Delay-Time", 41, IntegerAttribute.class);

    /** Acct-Status-Type's value for an update, by name as the original's dictionary defines it. */
    static final String STATUS_UPDATE = "Update";
    static final int STATUS_UPDATE_NUMBER = 3;

    private final String attributeName;
    private final int defaultNumber;
    private final Class<? extends RadiusAttribute> valueClass;

    UpdateAttribute(String attributeName, int defaultNumber, Class<? extends RadiusAttribute> valueClass) {
        this.attributeName = attributeName;
        this.defaultNumber = defaultNumber;
        this.valueClass = valueClass;
    }

    String attributeName() {
        return attributeName;
    }

    int defaultNumber() {
        return defaultNumber;
    }

    Class<? extends RadiusAttribute> valueClass() {
        return valueClass;
    }
}
