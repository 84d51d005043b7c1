package org.mediaproxy.dispatcher;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/** A blocking management client, over TLS with a client certificate or over plain TCP. */
final class ManagementTestClient implements AutoCloseable {

    private final Socket socket;
    private final BufferedReader in;
    private final OutputStream out;

    private ManagementTestClient(Socket socket) throws IOException {
        this.socket = socket;
        socket.setSoTimeout(5000);
        this.in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        this.out = socket.getOutputStream();
    }

    static ManagementTestClient tls(SSLContext context, InetSocketAddress address) throws IOException {
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket();
        socket.connect(address, 5000);
        socket.startHandshake();
        return new ManagementTestClient(socket);
    }

    static ManagementTestClient plain(InetSocketAddress address) throws IOException {
        Socket socket = new Socket();
        socket.connect(address, 5000);
        return new ManagementTestClient(socket);
    }

    void send(String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** The next line (CR LF removed), or null when the server closed the connection. */
    String readLine() throws IOException {
        try {
            return in.readLine();
        } catch (SocketTimeoutException e) {
            throw new AssertionError("no answer from the management interface within 5 s", e);
        } catch (IOException e) {
            return null; // a TLS peer that closes after refusing us
        }
    }

    String command(String line) throws IOException {
        send(line);
        return readLine();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
