package org.mediaproxy.relay.link;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import javax.naming.Context;
import javax.naming.NamingEnumeration;
import javax.naming.NamingException;
import javax.naming.directory.Attribute;
import javax.naming.directory.DirContext;
import javax.naming.directory.InitialDirContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The system's DNS: SRV records through the JDK's JNDI DNS provider, host names through
 * {@link InetAddress} (so {@code /etc/hosts} applies, as with the original's
 * {@code gethostbyname}). JNDI needs no extra library and reads the name servers from
 * {@code /etc/resolv.conf}; its lookups block, which is fine on the relay's own DNS thread once a
 * minute.
 */
public final class SystemHostResolver implements HostResolver {

    private static final Logger LOG = LoggerFactory.getLogger(SystemHostResolver.class);

    private final String dnsUrl;

    /** Uses the name servers of {@code /etc/resolv.conf}. */
    public SystemHostResolver() {
        this("dns:");
    }

    /** @param dnsUrl a JNDI DNS URL naming the server, e.g. {@code dns://127.0.0.1:5353} */
    public SystemHostResolver(String dnsUrl) {
        this.dnsUrl = dnsUrl;
    }

    @Override
    public List<String> srvTargets(String name) {
        Hashtable<String, String> environment = new Hashtable<>();
        environment.put(Context.INITIAL_CONTEXT_FACTORY, "com.sun.jndi.dns.DnsContextFactory");
        environment.put(Context.PROVIDER_URL, dnsUrl);
        environment.put("com.sun.jndi.dns.timeout.initial", "2000");
        environment.put("com.sun.jndi.dns.timeout.retries", "2");
        List<String> targets = new ArrayList<>();
        DirContext context = null;
        try {
            context = new InitialDirContext(environment);
            Attribute records = context.getAttributes(name, new String[] {"SRV"}).get("SRV");
            if (records == null) {
                return targets;
            }
            NamingEnumeration<?> values = records.getAll();
            while (values.hasMore()) {
                // "priority weight port target."
                String[] fields = values.next().toString().trim().split("\\s+");
                if (fields.length == 4 && !fields[3].equals(".")) {
                    targets.add(fields[3].endsWith(".") ? fields[3].substring(0, fields[3].length() - 1) : fields[3]);
                }
            }
        } catch (NamingException e) {
            LOG.debug("SRV lookup of {} failed: {}", name, e.toString());
        } finally {
            if (context != null) {
                try {
                    context.close();
                } catch (NamingException e) {
                    LOG.debug("Closing the DNS context failed", e);
                }
            }
        }
        return targets;
    }

    @Override
    public InetAddress address(String host) throws UnknownHostException {
        InetAddress[] addresses = InetAddress.getAllByName(host);
        for (InetAddress address : addresses) {
            if (address instanceof Inet4Address) {
                return address;
            }
        }
        return addresses[0];
    }
}
