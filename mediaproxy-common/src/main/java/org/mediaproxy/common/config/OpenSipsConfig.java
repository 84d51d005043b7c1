package org.mediaproxy.common.config;

import java.nio.file.Path;

/**
 * {@code [OpenSIPS]}: how the dispatcher reaches OpenSIPS's management interface.
 *
 * @param socketPath OpenSIPS {@code mi_datagram} UNIX socket, used to end timed-out dialogs
 * @param locationTable read for compatibility; nothing uses it
 * @param dialogIdFormat our option: how dialogs are named in {@code dlg_end_dlg}
 */
public record OpenSipsConfig(Path socketPath, String locationTable, DialogIdFormat dialogIdFormat) {

    static OpenSipsConfig read(SectionReader in) throws ConfigException {
        return new OpenSipsConfig(
                in.get("socket_path", Path.of("/run/opensips/socket"), SectionReader::path),
                in.string("location_table", "location"),
                in.choice("dialog_id_format", DialogIdFormat.HEX));
    }
}
