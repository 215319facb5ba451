package org.ovshighway.proxy;

import io.netty.channel.Channel;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.SelectStrategyFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.spi.SelectorProvider;

/** Netty's native epoll transport where it loads (Linux), else NIO; the relay works the same on both. */
enum RelayTransport {
    /** Native epoll: fewer system calls and wake-ups per relayed frame. */
    EPOLL,
    /** Java NIO: the portable fallback. */
    NIO;

    static RelayTransport best() {
        return Epoll.isAvailable() ? EPOLL : NIO;
    }

    /** Event loops that choose between polling and blocking with {@code strategies}. */
    IoHandlerFactory ioHandlerFactory(SelectStrategyFactory strategies) {
        // 0 events: epoll's event array starts small and grows, as in EpollIoHandler.newFactory().
        return this == EPOLL ? EpollIoHandler.newFactory(0, strategies)
                : NioIoHandler.newFactory(SelectorProvider.provider(), strategies);
    }

    Class<? extends ServerChannel> serverChannel(boolean unix) {
        if (this == EPOLL) {
            return unix ? EpollServerDomainSocketChannel.class : EpollServerSocketChannel.class;
        }
        return unix ? NioServerDomainSocketChannel.class : NioServerSocketChannel.class;
    }

    /** The form of a listening address the transport's server channel binds. */
    SocketAddress listenAddress(SocketAddress address) {
        if (this == EPOLL && address instanceof UnixDomainSocketAddress unix) {
            return new DomainSocketAddress(unix.getPath().toString());
        }
        return address;
    }

    Class<? extends Channel> channel(boolean unix) {
        if (this == EPOLL) {
            return unix ? EpollDomainSocketChannel.class : EpollSocketChannel.class;
        }
        return unix ? NioDomainSocketChannel.class : NioSocketChannel.class;
    }

    /** The address form the transport's channel class connects to. */
    SocketAddress address(OpenFlowTarget target) {
        SocketAddress address = target.address();
        if (this == EPOLL && address instanceof UnixDomainSocketAddress unix) {
            return new DomainSocketAddress(unix.getPath().toString());
        }
        return address;
    }
}
