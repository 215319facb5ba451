package org.ovshighway.agent;

import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.function.Function;
import org.ovshighway.ovs.ovsdb.OvsdbSession;
import org.ovshighway.ovs.ovsdb.SslSettings;
import org.ovshighway.proxy.ProxyException;
import org.ovshighway.proxy.UpstreamTls;

/**
 * Where the proxy's client TLS toward {@code ssl:} controllers comes from. The options are named
 * the same way in the agent's configuration ({@code proxy-ssl-private-key}, ...) and on
 * {@code highway attach} ({@code --ssl-private-key}, ...); {@link #choose} takes the prefix.
 */
sealed interface UpstreamTlsSource {

    /** Option suffixes, after the caller's prefix. */
    String PRIVATE_KEY = "private-key";
    String CERTIFICATE = "certificate";
    String CA_CERT = "ca-cert";
    String KEYSTORE = "keystore";
    String KEYSTORE_PASSWORD_FILE = "keystore-password-file";

    /** The client context; reads the files (and, for {@link SwitchOwn}, OVSDB) now. */
    SslContext context(OvsdbSession session);

    /** Where the context came from, for the log. */
    String describe();

    /** PEM files given as options. */
    record PemFiles(Path privateKey, Path certificate, Path caCertificate) implements UpstreamTlsSource {
        @Override
        public SslContext context(OvsdbSession session) {
            return UpstreamTls.fromPemFiles(privateKey, certificate, caCertificate);
        }

        @Override
        public String describe() {
            return "privateKey=" + privateKey + " certificate=" + certificate + " caCertificate=" + caCertificate;
        }
    }

    /**
     * A PKCS#12 or JKS key store with the client's key; its password is the first line of
     * {@code passwordFile} (empty without one); the controller is verified against
     * {@code caCertificate} or the store's trusted entries.
     */
    record KeyStoreFile(Path keyStore, Optional<Path> passwordFile, Optional<Path> caCertificate)
            implements UpstreamTlsSource {
        @Override
        public SslContext context(OvsdbSession session) {
            char[] password = passwordFile.map(KeyStoreFile::firstLine).orElse(new char[0]);
            try {
                return UpstreamTls.fromKeyStore(keyStore, password, caCertificate);
            } finally {
                Arrays.fill(password, '\0');
            }
        }

        private static char[] firstLine(Path file) {
            try {
                String text = Files.readString(file, StandardCharsets.UTF_8);
                int end = text.indexOf('\n');
                String line = end < 0 ? text : text.substring(0, end);
                return (line.endsWith("\r") ? line.substring(0, line.length() - 1) : line).toCharArray();
            } catch (IOException e) {
                throw new ProxyException("key store password file not readable: file=" + file + " error=" + e, e);
            }
        }

        @Override
        public String describe() {
            return "keyStore=" + keyStore + caCertificate.map(c -> " caCertificate=" + c).orElse("");
        }
    }

    /**
     * The switch's own files, the SSL row OVSDB holds ({@code ovs-vsctl get-ssl}): the proxy
     * presents itself to the controller as the bridge did.
     *
     * @param optionPrefix how the caller's options are named, for the message when there is no row
     */
    record SwitchOwn(String optionPrefix) implements UpstreamTlsSource {
        @Override
        public SslContext context(OvsdbSession session) {
            SslSettings ssl = session.sslSettings().orElseThrow(() -> new ProxyException("no TLS files for the ssl:"
                    + " controllers: the switch has none (ovs-vsctl set-ssl) and none were given ("
                    + optionPrefix + PRIVATE_KEY + ", " + optionPrefix + CERTIFICATE + ", " + optionPrefix + CA_CERT
                    + ", or " + optionPrefix + KEYSTORE + ")"));
            Path ca = Path.of(ssl.caCertificate());
            if (ssl.bootstrapCaCert() && !Files.exists(ca)) {
                throw new ProxyException("the switch's SSL settings bootstrap the CA certificate from the controller"
                        + " (bootstrap_ca_cert=true), which the proxy cannot do, and ca_cert=" + ca + " does not exist"
                        + " yet; give the CA certificate with " + optionPrefix + CA_CERT + " or create that file");
            }
            try {
                return UpstreamTls.fromPemFiles(Path.of(ssl.privateKey()), Path.of(ssl.certificate()), ca);
            } catch (ProxyException e) {
                throw new ProxyException("the switch's SSL settings (ovs-vsctl get-ssl) are unusable: "
                        + e.getMessage(), e);
            }
        }

        @Override
        public String describe() {
            return "the switch's SSL settings (ovs-vsctl get-ssl)";
        }
    }

    /** A combination of options that does not name one source, with the option at fault. */
    final class ChoiceException extends Exception {
        private final String option;

        ChoiceException(String option, String message) {
            super(message);
            this.option = option;
        }

        /** The option at fault, prefix included. */
        String option() {
            return option;
        }
    }

    /**
     * The source the options name: the PEM pair (key and certificate, with a CA certificate), a
     * key store (with an optional password file and CA certificate), or none of them: the
     * switch's own. Files must be absolute paths to readable files.
     *
     * @param option the value of an option by suffix ({@link #PRIVATE_KEY}, ...), empty when not given
     * @param prefix how the options are named ({@code proxy-ssl-} or {@code --ssl-})
     */
    static UpstreamTlsSource choose(Function<String, Optional<String>> option, String prefix) throws ChoiceException {
        Optional<Path> key = file(option, prefix, PRIVATE_KEY);
        Optional<Path> certificate = file(option, prefix, CERTIFICATE);
        Optional<Path> ca = file(option, prefix, CA_CERT);
        Optional<Path> keyStore = file(option, prefix, KEYSTORE);
        Optional<Path> password = file(option, prefix, KEYSTORE_PASSWORD_FILE);
        if (keyStore.isPresent()) {
            if (key.isPresent() || certificate.isPresent()) {
                throw new ChoiceException(prefix + KEYSTORE, "give either " + prefix + KEYSTORE + " or " + prefix
                        + PRIVATE_KEY + " with " + prefix + CERTIFICATE + ", not both");
            }
            return new KeyStoreFile(keyStore.get(), password, ca);
        }
        if (password.isPresent()) {
            throw new ChoiceException(prefix + KEYSTORE_PASSWORD_FILE, "only with " + prefix + KEYSTORE);
        }
        if (key.isPresent() != certificate.isPresent()) {
            String missing = key.isPresent() ? CERTIFICATE : PRIVATE_KEY;
            throw new ChoiceException(prefix + missing, "missing: " + prefix + PRIVATE_KEY + " and " + prefix
                    + CERTIFICATE + " go together");
        }
        if (key.isPresent()) {
            if (ca.isEmpty()) {
                throw new ChoiceException(prefix + CA_CERT, "missing: the controller's certificate is verified"
                        + " against it (with " + prefix + PRIVATE_KEY + ")");
            }
            return new PemFiles(key.get(), certificate.get(), ca.get());
        }
        if (ca.isPresent()) {
            throw new ChoiceException(prefix + CA_CERT, "only with " + prefix + PRIVATE_KEY + " and " + prefix
                    + CERTIFICATE + ", or with " + prefix + KEYSTORE + " (the switch's own settings bring their CA)");
        }
        return new SwitchOwn(prefix);
    }

    private static Optional<Path> file(Function<String, Optional<String>> option, String prefix, String suffix)
            throws ChoiceException {
        Optional<String> value = option.apply(suffix);
        if (value.isEmpty()) {
            return Optional.empty();
        }
        String text = value.get().strip();
        Path path;
        try {
            path = Path.of(text);
        } catch (RuntimeException e) {
            throw new ChoiceException(prefix + suffix, "not a path: value=" + text);
        }
        if (!path.isAbsolute()) {
            throw new ChoiceException(prefix + suffix, "must be an absolute path: value=" + text);
        }
        if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
            throw new ChoiceException(prefix + suffix, "not a readable file: value=" + text);
        }
        return Optional.of(path.normalize());
    }
}
