package org.ovshighway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ovshighway.ovs.testing.TestPki;

/**
 * The client TLS context from the key forms OpenSSL and ovs-pki write and from key stores, each
 * checked by a full handshake (in memory, JDK TLS on both sides) against a server that requires a
 * client certificate from the test CA: the server must see the client certificate the files name.
 */
class UpstreamTlsTest {

    @TempDir
    static Path dir;
    private static TestPki pki;

    @BeforeAll
    static void makeCertificates() throws Exception {
        // the client keys, in each form: PKCS#8 (OpenSSL 3), PKCS#1 (ovs-pki, OpenSSL before 3), SEC1 EC
        pki = TestPki.create(dir, "controller", "switch-pkcs8");
        TestPki other = TestPki.create(dir.resolve("other"));
        Files.copy(other.caCertificate(), dir.resolve("other-ca-cert.pem"));
        pki.openssl("genrsa", "-traditional", "-out", "switch-pkcs1-key.pem", "2048");
        pki.openssl("req", "-new", "-key", "switch-pkcs1-key.pem", "-out", "switch-pkcs1.csr", "-subj", "/CN=switch-pkcs1");
        pki.sign("switch-pkcs1");
        pki.openssl("ecparam", "-name", "prime256v1", "-genkey", "-out", "switch-ec-key.pem");   // EC PARAMETERS first
        pki.openssl("req", "-new", "-key", "switch-ec-key.pem", "-out", "switch-ec.csr", "-subj", "/CN=switch-ec");
        pki.sign("switch-ec");
        pki.openssl("genpkey", "-algorithm", "RSA", "-aes-128-cbc", "-pass", "pass:secret", "-out", "encrypted-key.pem");
        pki.openssl("pkcs12", "-export", "-in", "switch-pkcs8-cert.pem", "-inkey", "switch-pkcs8-key.pem", "-passout",
                "pass:store-pw", "-out", "client.p12");
    }

    @Test
    void keysInEveryFormOpenSslWritesIdentifyTheClient() throws Exception {
        assertTrue(Files.readString(dir.resolve("switch-pkcs1-key.pem")).contains("BEGIN RSA PRIVATE KEY"), "PKCS#1 form");
        assertTrue(Files.readString(dir.resolve("switch-ec-key.pem")).contains("BEGIN EC PARAMETERS"), "SEC1 with parameters");
        for (String form : List.of("pkcs8", "pkcs1", "ec")) {
            SslContext client = UpstreamTls.fromPemFiles(pki.key("switch-" + form), pki.certificate("switch-" + form),
                    pki.caCertificate());
            assertEquals("CN=switch-" + form, clientSeenByServer(client), form);
        }
    }

    @Test
    void aKeyStoreWithItsOwnTrustedCaIdentifiesTheClient() throws Exception {
        Path store = dir.resolve("with-ca.p12");
        Files.copy(dir.resolve("client.p12"), store);
        KeyStore ks = KeyStore.getInstance(store.toFile(), "store-pw".toCharArray());
        try (InputStream ca = Files.newInputStream(dir.resolve("ca-cert.pem"))) {
            ks.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(ca));
        }
        try (OutputStream out = Files.newOutputStream(store)) {
            ks.store(out, "store-pw".toCharArray());
        }
        assertEquals("CN=switch-pkcs8", clientSeenByServer(
                UpstreamTls.fromKeyStore(store, "store-pw".toCharArray(), Optional.empty())));
    }

    @Test
    void aKeyStoreWithACaFileIdentifiesTheClient() throws Exception {
        assertEquals("CN=switch-pkcs8", clientSeenByServer(UpstreamTls.fromKeyStore(dir.resolve("client.p12"),
                "store-pw".toCharArray(), Optional.of(dir.resolve("ca-cert.pem")))));
    }

    @Test
    void aControllerFromAnotherCaIsRefused() throws Exception {
        SslContext client = UpstreamTls.fromPemFiles(dir.resolve("switch-pkcs8-key.pem"), dir.resolve("switch-pkcs8-cert.pem"),
                dir.resolve("other-ca-cert.pem"));
        assertThrows(SSLException.class, () -> clientSeenByServer(client));
    }

    @Test
    void unusableFilesAreRefusedNamingTheFile() throws Exception {
        Path encrypted = dir.resolve("encrypted-key.pem");
        ProxyException e = assertThrows(ProxyException.class, () -> UpstreamTls.fromPemFiles(encrypted,
                dir.resolve("switch-pkcs8-cert.pem"), dir.resolve("ca-cert.pem")));
        assertTrue(e.getMessage().contains("encrypted") && e.getMessage().contains("file=" + encrypted), e.getMessage());

        Path certAsKey = dir.resolve("switch-pkcs8-cert.pem");
        e = assertThrows(ProxyException.class, () -> UpstreamTls.fromPemFiles(certAsKey, certAsKey,
                dir.resolve("ca-cert.pem")));
        assertTrue(e.getMessage().contains("no private key") && e.getMessage().contains("file=" + certAsKey),
                e.getMessage());

        Path keyAsCa = dir.resolve("switch-pkcs8-key.pem");
        e = assertThrows(ProxyException.class, () -> UpstreamTls.fromPemFiles(keyAsCa, dir.resolve("switch-pkcs8-cert.pem"),
                keyAsCa));
        assertTrue(e.getMessage().contains("CA certificate") && e.getMessage().contains("file=" + keyAsCa),
                e.getMessage());

        for (String block : new String[]{"EC PRIVATE KEY", "RSA PRIVATE KEY", "PRIVATE KEY"}) {
            // a key cut short, and one that is not base64: refused with the file named, nothing thrown past it
            String good = Files.readString(dir.resolve(block.startsWith("EC") ? "switch-ec-key.pem"
                    : block.startsWith("RSA") ? "switch-pkcs1-key.pem" : "switch-pkcs8-key.pem"));
            String body = good.substring(good.indexOf("-----BEGIN " + block + "-----"));
            String[] lines = body.split("\n");
            Path cut = Files.writeString(dir.resolve("cut.pem"), lines[0] + "\n" + lines[1] + "\n-----END " + block
                    + "-----\n");
            ProxyException c = assertThrows(ProxyException.class, () -> UpstreamTls.fromPemFiles(cut,
                    dir.resolve("switch-pkcs8-cert.pem"), dir.resolve("ca-cert.pem")), block);
            assertTrue(c.getMessage().contains("file=" + cut), c.getMessage());
            Path garbage = Files.writeString(dir.resolve("garbage.pem"), "-----BEGIN " + block + "-----\n%%%%\n-----END "
                    + block + "-----\n");
            c = assertThrows(ProxyException.class, () -> UpstreamTls.fromPemFiles(garbage,
                    dir.resolve("switch-pkcs8-cert.pem"), dir.resolve("ca-cert.pem")), block);
            assertTrue(c.getMessage().contains("file=" + garbage), c.getMessage());
        }

        Path missing = dir.resolve("absent.pem");
        e = assertThrows(ProxyException.class, () -> UpstreamTls.fromPemFiles(missing, dir.resolve("switch-pkcs8-cert.pem"),
                dir.resolve("ca-cert.pem")));
        assertTrue(e.getMessage().contains("file=" + missing), e.getMessage());

        Path store = dir.resolve("client.p12");
        e = assertThrows(ProxyException.class, () -> UpstreamTls.fromKeyStore(store, "wrong".toCharArray(),
                Optional.of(dir.resolve("ca-cert.pem"))));
        assertTrue(e.getMessage().contains("keyStore=" + store), e.getMessage());
        e = assertThrows(ProxyException.class, () -> UpstreamTls.fromKeyStore(store, "store-pw".toCharArray(),
                Optional.empty()));
        assertTrue(e.getMessage().contains("no trusted certificate"), e.getMessage());
    }

    /** Handshakes {@code client} with a server (the controller) that requires a client certificate; the client's subject. */
    private static String clientSeenByServer(SslContext client) throws Exception {
        SslContext server = SslContextBuilder.forServer(dir.resolve("controller-cert.pem").toFile(),
                        dir.resolve("controller-key.pem").toFile())
                .trustManager(dir.resolve("ca-cert.pem").toFile()).clientAuth(ClientAuth.REQUIRE).build();
        SSLEngine c = client.newEngine(ByteBufAllocator.DEFAULT);
        SSLEngine s = server.newEngine(ByteBufAllocator.DEFAULT);
        ByteBuffer toServer = ByteBuffer.allocate(1 << 17);
        ByteBuffer toClient = ByteBuffer.allocate(1 << 17);
        c.beginHandshake();
        s.beginHandshake();
        for (int round = 0; round < 200; round++) {
            boolean moved = step(c, toServer, toClient) | step(s, toClient, toServer);
            if (!moved && done(c) && done(s)) {
                return s.getSession().getPeerPrincipal().getName();
            }
        }
        throw new AssertionError("handshake did not finish: client=" + c.getHandshakeStatus() + " server="
                + s.getHandshakeStatus());
    }

    private static boolean done(SSLEngine e) {
        SSLEngineResult.HandshakeStatus status = e.getHandshakeStatus();
        return status == SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING
                || status == SSLEngineResult.HandshakeStatus.FINISHED;
    }

    /** One move of {@code engine}: writes into {@code out}, reads from {@code in}; whether anything moved. */
    private static boolean step(SSLEngine engine, ByteBuffer out, ByteBuffer in) throws SSLException {
        ByteBuffer app = ByteBuffer.allocate(1 << 17);
        return switch (engine.getHandshakeStatus()) {
            case NEED_WRAP -> engine.wrap(ByteBuffer.allocate(0), out).bytesProduced() > 0;
            case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                in.flip();
                SSLEngineResult r = engine.unwrap(in, app);
                in.compact();
                yield r.bytesConsumed() > 0;
            }
            case NEED_TASK -> {
                Runnable task;
                while ((task = engine.getDelegatedTask()) != null) {
                    task.run();
                }
                yield true;
            }
            default -> {
                // post-handshake records (TLS 1.3 tickets) still waiting to be read
                if (in.position() == 0) {
                    yield false;
                }
                in.flip();
                SSLEngineResult r = engine.unwrap(in, app);
                in.compact();
                yield r.bytesConsumed() > 0;
            }
        };
    }
}
