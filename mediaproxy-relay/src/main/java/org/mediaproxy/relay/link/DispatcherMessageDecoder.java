package org.mediaproxy.relay.link;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the dispatcher's byte stream into {@link DispatcherMessage}s, following the original
 * relay's line parser (dispatcher-relay-protocol.md §2 "Relay-side parsing"):
 * <ul>
 * <li>{@code pong} is a keepalive answer, whatever else is going on;</li>
 * <li>outside a command, a line must be exactly {@code name seq}; anything else is logged and
 * dropped, an unknown name yields {@link UnknownCommand} so that it is answered at once;</li>
 * <li>inside a command, {@code name: value} lines are headers (split at the first ": ", kept raw
 * and in order; other lines are logged and skipped) until an empty line completes it.</li>
 * </ul>
 * Lines end in LF with an optional CR before it. A line longer than {@value #MAX_LINE_LENGTH}
 * bytes closes the connection, as in the original.
 *
 * <p>One instance per connection: it holds the command being received.
 */
public final class DispatcherMessageDecoder extends ByteToMessageDecoder {

    public static final int MAX_LINE_LENGTH = 16384;

    private static final Logger LOG = LoggerFactory.getLogger(DispatcherMessageDecoder.class);

    private String name;
    private String seq;
    private Map<String, String> headers;
    private boolean overflowed;

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (!overflowed && in.isReadable()) {
            int lineFeed = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) '\n');
            if (lineFeed < 0) {
                // One extra byte: the CR of a maximal line may arrive before its LF.
                if (in.readableBytes() > MAX_LINE_LENGTH + 1) {
                    overflow(ctx, in);
                }
                return;
            }
            int length = lineFeed - in.readerIndex();
            if (length > 0 && in.getByte(lineFeed - 1) == '\r') {
                length--;
            }
            if (length > MAX_LINE_LENGTH) {
                overflow(ctx, in);
                return;
            }
            String line = in.toString(in.readerIndex(), length, StandardCharsets.UTF_8);
            in.readerIndex(lineFeed + 1);
            DispatcherMessage message = decodeLine(ctx, line);
            if (message != null) {
                out.add(message);
            }
        }
    }

    private DispatcherMessage decodeLine(ChannelHandlerContext ctx, String line) {
        if (line.equals("pong")) {
            return Pong.INSTANCE;
        }
        if (name == null) {
            return commandLine(ctx, line);
        }
        if (line.isEmpty()) {
            DispatcherCommand command = new DispatcherCommand(name, seq, headers);
            name = null;
            seq = null;
            headers = null;
            return command;
        }
        int separator = line.indexOf(": ");
        if (separator < 0) {
            LOG.error("Dispatcher {}: cannot parse header line of {} {}: {}",
                    ctx.channel().remoteAddress(), name, seq, line);
        } else {
            headers.put(line.substring(0, separator), line.substring(separator + 2));
        }
        return null;
    }

    private DispatcherMessage commandLine(ChannelHandlerContext ctx, String line) {
        if (line.isBlank()) {
            // The empty line ending an unknown command arrives here: harmless.
            LOG.debug("Dispatcher {}: empty line outside a command ignored", ctx.channel().remoteAddress());
            return null;
        }
        String[] tokens = line.strip().split("\\s+");
        if (tokens.length != 2) {
            LOG.error("Dispatcher {}: cannot decode command/sequence number pair from line: {}",
                    ctx.channel().remoteAddress(), line);
            return null;
        }
        if (!DispatcherCommand.NAMES.contains(tokens[0])) {
            LOG.error("Dispatcher {}: unknown command {}", ctx.channel().remoteAddress(), tokens[0]);
            return new UnknownCommand(tokens[0], tokens[1]);
        }
        name = tokens[0];
        seq = tokens[1];
        headers = new LinkedHashMap<>();
        return null;
    }

    private void overflow(ChannelHandlerContext ctx, ByteBuf in) {
        LOG.error("Dispatcher {} sent a line longer than {} bytes, closing the connection",
                ctx.channel().remoteAddress(), MAX_LINE_LENGTH);
        overflowed = true;
        in.skipBytes(in.readableBytes());
        ctx.close();
    }
}
