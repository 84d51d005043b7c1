package org.mediaproxy.dispatcher;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.function.Consumer;

/**
 * Binds the dispatcher's TCP listeners (relays, management, web) the same way: epoll, address
 * reuse so a restart can bind again at once, and every accepted connection kept in a group so
 * that shutdown can reach it.
 */
public final class TcpListener {

    private TcpListener() {
    }

    /**
     * @param connections receives each accepted connection before its pipeline is built
     * @param purpose     what the listener is for, as the error names it:
     *                    {@code cannot <purpose> on <address>: <reason>}
     * @param pipeline    builds the pipeline of each accepted connection
     * @return the bound listening channel
     * @throws IOException when the address cannot be bound
     */
    public static Channel bind(EventLoopGroup group, InetSocketAddress address, ChannelGroup connections,
            String purpose, Consumer<SocketChannel> pipeline) throws IOException {
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(EpollServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        connections.add(channel);
                        pipeline.accept(channel);
                    }
                });
        try {
            return bootstrap.bind(address).sync().channel();
        } catch (Exception e) {
            throw new IOException("cannot " + purpose + " on " + address + ": " + e.getMessage(), e);
        }
    }
}
