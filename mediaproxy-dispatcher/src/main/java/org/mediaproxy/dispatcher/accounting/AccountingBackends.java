package org.mediaproxy.dispatcher.accounting;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.mediaproxy.dispatcher.accounting.database.DatabaseBackend;
import org.mediaproxy.dispatcher.accounting.database.DatabaseSettings;
import org.mediaproxy.dispatcher.accounting.radius.RadiusBackend;
import org.mediaproxy.dispatcher.accounting.radius.RadiusSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Builds the backends named by {@code [Dispatcher] accounting} (accounting.md §1). */
public final class AccountingBackends {

    private static final Logger log = LoggerFactory.getLogger(AccountingBackends.class);

    public static final String DATABASE = "database";
    public static final String RADIUS = "radius";

    private AccountingBackends() {
    }

    /**
     * One backend per distinct known name, in the order given; unknown names are logged and
     * skipped, as the original ignores them. A backend that cannot be set up (empty dburi,
     * unreadable RADIUS configuration, ...) throws, closing those already made: the dispatcher
     * must not start without accounting it was asked for.
     *
     * @param names    e.g. {@code ["database", "radius"]}
     * @param database used only if {@code database} is named
     * @param radius   used only if {@code radius} is named
     */
    public static List<AccountingBackend> create(Collection<String> names, DatabaseSettings database,
                                                 RadiusSettings radius) throws IOException {
        Set<String> wanted = new LinkedHashSet<>();
        for (String name : names) {
            String normalized = name.strip().toLowerCase(Locale.ROOT);
            if (normalized.equals(DATABASE) || normalized.equals(RADIUS)) {
                wanted.add(normalized);
            } else if (!normalized.isEmpty()) {
                log.warn("ignoring unknown accounting backend '{}' (known: {}, {})", name, DATABASE, RADIUS);
            }
        }
        List<AccountingBackend> backends = new ArrayList<>();
        try {
            for (String name : wanted) {
                backends.add(name.equals(DATABASE) ? DatabaseBackend.create(database) : RadiusBackend.create(radius));
            }
        } catch (IOException | RuntimeException e) {
            for (AccountingBackend backend : backends) {
                try {
                    backend.close();
                } catch (RuntimeException closing) {
                    e.addSuppressed(closing);
                }
            }
            throw e;
        }
        return List.copyOf(backends);
    }
}
