package org.mediaproxy.dispatcher.accounting.radius;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.mediaproxy.dispatcher.accounting.AccountingBackend;
import org.mediaproxy.dispatcher.accounting.RejectedRecordException;
import org.mediaproxy.dispatcher.accounting.SessionRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tinyradius.dictionary.AttributeType;
import org.tinyradius.dictionary.MemoryDictionary;
import org.tinyradius.packet.AccountingRequest;
import org.tinyradius.packet.RadiusPacket;
import org.tinyradius.util.RadiusClient;

/**
 * RADIUS accounting (accounting.md §3): one Accounting-Request ("Update") per session to the
 * accounting server of OpenSIPS's radiusclient-ng configuration. TinyRadius builds, sends and
 * retransmits the packet; the numbers of the attributes come from the radiusclient dictionary
 * and MediaProxy's additional dictionary, read by {@link RadiusDictionary}.
 *
 * <p>A timeout or a bad answer is a temporary failure: the record waits in the spool. A resent
 * record is another interim update of the same session, which RADIUS servers simply apply again.
 */
public final class RadiusBackend implements AccountingBackend {

    private static final Logger log = LoggerFactory.getLogger(RadiusBackend.class);

    private final RadiusClientConfig config;
    private final MemoryDictionary dictionary;
    private final RadiusClient client;

    private RadiusBackend(RadiusClientConfig config, MemoryDictionary dictionary, RadiusClient client) {
        this.config = config;
        this.dictionary = dictionary;
        this.client = client;
    }

    /**
     * Reads the client configuration and dictionaries; any problem with them is an
     * {@link IOException} (the dispatcher must not start). A missing additional dictionary is only
     * logged, as in the original.
     */
    public static RadiusBackend create(RadiusSettings settings) throws IOException {
        RadiusClientConfig config = RadiusClientConfig.read(settings.configFile());
        RadiusDictionary definitions = new RadiusDictionary();
        definitions.load(config.dictionary());
        Path additional = settings.additionalDictionary();
        if (additional != null) {
            if (Files.isReadable(additional)) {
                definitions.load(additional);
            } else {
                log.error("cannot read the additional RADIUS dictionary {}; using the standard numbers for "
                        + "MediaProxy's attributes", additional);
            }
        }
        MemoryDictionary dictionary = sentAttributes(definitions);
        RadiusClient client = new BindingRadiusClient(config);
        client.setAcctPort(config.port());
        client.setSocketTimeout(config.timeoutSeconds() * 1000);
        // radiusclient's retries, like the original's, count every transmission.
        client.setRetryCount(Math.max(1, config.retries()));
        log.info("RADIUS accounting to {}", config);
        return new RadiusBackend(config, dictionary, client);
    }

    @Override
    public String name() {
        return "radius";
    }

    @Override
    public void account(SessionRecord record) throws Exception {
        AccountingRequest request = request(record);
        RadiusPacket answer = client.account(request);
        if (answer == null || answer.getPacketType() != RadiusPacket.ACCOUNTING_RESPONSE) {
            throw new IOException("RADIUS server " + config.server() + " answered "
                    + (answer == null ? "nothing" : answer.getPacketTypeName()));
        }
    }

    @Override
    public void close() {
        client.close();
    }

    AccountingRequest request(SessionRecord record) throws RejectedRecordException {
        AccountingRequest request = new AccountingRequest();
        request.setDictionary(dictionary);
        for (SessionUpdate.Value value : SessionUpdate.of(record)) {
            if (value.text().getBytes(StandardCharsets.UTF_8).length > SessionUpdate.MAX_VALUE_BYTES) {
                throw new RejectedRecordException(value.attribute().attributeName() + " is longer than "
                        + SessionUpdate.MAX_VALUE_BYTES + " bytes");
            }
            try {
                request.addAttribute(value.attribute().attributeName(), value.text());
            } catch (IllegalArgumentException e) {
                throw new RejectedRecordException("bad " + value.attribute().attributeName() + " '"
                        + value.text() + "': " + e.getMessage(), e);
            }
        }
        return request;
    }

    /**
     * The attributes MediaProxy sends, numbered as the dictionaries say (the original's lookup by
     * name), with the standard number for any name they lack.
     */
    private static MemoryDictionary sentAttributes(RadiusDictionary definitions) throws IOException {
        MemoryDictionary dictionary = new MemoryDictionary();
        for (UpdateAttribute attribute : UpdateAttribute.values()) {
            RadiusDictionary.Attribute defined = definitions.attribute(attribute.attributeName());
            int number = defined != null ? defined.number() : attribute.defaultNumber();
            if (defined == null) {
                log.info("the RADIUS dictionaries do not define {}; sending it as attribute {}",
                        attribute.attributeName(), number);
            }
            AttributeType type = new AttributeType(number, attribute.attributeName(), attribute.valueClass());
            for (Map.Entry<String, Integer> value : definitions.values(attribute.attributeName()).entrySet()) {
                type.addEnumerationValue(value.getValue(), value.getKey());
            }
            if (attribute == UpdateAttribute.ACCT_STATUS_TYPE && type.getEnumeration(UpdateAttribute.STATUS_UPDATE) == null) {
                type.addEnumerationValue(UpdateAttribute.STATUS_UPDATE_NUMBER, UpdateAttribute.STATUS_UPDATE);
            }
            try {
                dictionary.addAttributeType(type);
            } catch (IllegalArgumentException e) {
                throw new IOException("the RADIUS dictionaries give " + attribute.attributeName()
                        + " a number another MediaProxy attribute already has: " + e.getMessage(), e);
            }
        }
        return dictionary;
    }

    /** Sends from {@code bindaddr} when client.conf names one. */
    private static final class BindingRadiusClient extends RadiusClient {

        private final String bindAddress;
        private DatagramSocket socket;

        BindingRadiusClient(RadiusClientConfig config) {
            super(config.server(), config.secret());
            this.bindAddress = config.bindAddress();
        }

        @Override
        protected DatagramSocket getSocket() throws SocketException {
            if (bindAddress == null) {
                return super.getSocket();
            }
            if (socket == null || socket.isClosed()) {
                socket = new DatagramSocket(new InetSocketAddress(bindAddress, 0));
                socket.setSoTimeout(getSocketTimeout());
            }
            return socket;
        }

        @Override
        public void close() {
            super.close();
            if (socket != null) {
                socket.close();
            }
        }
    }
}
