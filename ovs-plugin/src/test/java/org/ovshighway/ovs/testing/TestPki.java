package org.ovshighway.ovs.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away PKI made with the openssl command: a CA ({@code ca-cert.pem}) and, for each name
 * asked, a key and a certificate it signed ({@code NAME-key.pem}, {@code NAME-cert.pem}), for
 * ovs-testcontroller, ovs-vswitchd and the proxy to speak TLS to each other in tests.
 */
public final class TestPki {
    private final Path dir;

    private TestPki(Path dir) {
        this.dir = dir;
    }

    /** A CA and one signed key and certificate per name of {@code who}, in {@code dir} (created if missing). */
    public static TestPki create(Path dir, String... who) throws IOException, InterruptedException {
        TestPki pki = new TestPki(Files.createDirectories(dir));
        pki.openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca-key.pem", "-out", "ca-cert.pem",
                "-days", "2", "-subj", "/CN=highway-test-ca");
        for (String name : who) {
            pki.openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", name + "-key.pem", "-out", name + ".csr",
                    "-subj", "/CN=" + name);
            pki.sign(name);
        }
        return pki;
    }

    /** Signs {@code NAME.csr} with the CA into {@code NAME-cert.pem}. */
    public void sign(String name) throws IOException, InterruptedException {
        openssl("x509", "-req", "-in", name + ".csr", "-CA", "ca-cert.pem", "-CAkey", "ca-key.pem", "-CAcreateserial",
                "-out", name + "-cert.pem", "-days", "2");
    }

    /** Runs {@code openssl ARGS} in this PKI's directory; fails with its output when it fails. */
    public void openssl(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        Path log = dir.resolve("openssl.log");
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException("openssl failed: cmd=" + cmd + " log=" + Files.readString(log));
        }
    }

    /** A file of this PKI, e.g. {@code ca-cert.pem}. */
    public Path file(String name) {
        return dir.resolve(name);
    }

    /** The CA certificate. */
    public Path caCertificate() {
        return file("ca-cert.pem");
    }

    /** {@code NAME-key.pem}. */
    public Path key(String name) {
        return file(name + "-key.pem");
    }

    /** {@code NAME-cert.pem}. */
    public Path certificate(String name) {
        return file(name + "-cert.pem");
    }
}
