package org.mediaproxy.dispatcher;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.TooLongFrameException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Splits a byte stream into lines at CR LF only (a bare LF is data, as in the original's Twisted
 * LineReceiver) and emits each line as a {@link String} decoded as strict UTF-8; undecodable lines
 * become {@link InvalidLine}. A line longer than {@code maxLength} raises
 * {@link TooLongFrameException} (the handlers close the connection then), and bytes left without
 * CR LF when the peer closes become one {@link TruncatedLine}, so that handlers can report it.
 */
public final class CrlfFrameDecoder extends ByteToMessageDecoder {

    /** A line that is not valid UTF-8. */
    public record InvalidLine(int bytes) {
    }

    /** The unterminated tail of a stream that was closed in the middle of a line. */
    public record TruncatedLine(int bytes) {
    }

    private final int maxLength;

    public CrlfFrameDecoder(int maxLength) {
        this.maxLength = maxLength;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws TooLongFrameException {
        while (in.isReadable()) {
            int end = indexOfCrlf(in);
            if (end < 0) {
                // A full-length line may still be waiting for its LF after the CR.
                if (in.readableBytes() > maxLength + 1) {
                    int length = in.readableBytes();
                    in.skipBytes(length);
                    throw new TooLongFrameException("line longer than " + maxLength + " bytes (" + length + " without CR LF)");
                }
                return;
            }
            int length = end - in.readerIndex();
            if (length > maxLength) {
                in.skipBytes(length + 2);
                throw new TooLongFrameException("line of " + length + " bytes, longer than " + maxLength);
            }
            out.add(decodeLine(in.readSlice(length)));
            in.skipBytes(2);
        }
    }

    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        decode(ctx, in, out);
        if (in.isReadable()) {
            out.add(new TruncatedLine(in.readableBytes()));
            in.skipBytes(in.readableBytes());
        }
    }

    private int indexOfCrlf(ByteBuf in) {
        int from = in.readerIndex();
        int to = in.writerIndex();
        // Only search as far as a legal line can reach; the rest is the too-long case.
        int limit = Math.min(to, from + maxLength + 2);
        for (int i = in.indexOf(from, limit, (byte) '\r'); i >= 0 && i + 1 < to; i = in.indexOf(i + 1, limit, (byte) '\r')) {
            if (in.getByte(i + 1) == '\n') {
                return i;
            }
        }
        return -1;
    }

    private static Object decodeLine(ByteBuf line) {
        ByteBuffer bytes = line.nioBuffer();
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(bytes).toString();
        } catch (CharacterCodingException e) {
            return new InvalidLine(line.readableBytes());
        }
    }
}
