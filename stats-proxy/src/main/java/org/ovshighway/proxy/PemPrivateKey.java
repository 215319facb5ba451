package org.ovshighway.proxy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads an unencrypted private key from a PEM file in the forms OpenSSL and {@code ovs-pki} write:
 * PKCS#8 ({@code BEGIN PRIVATE KEY}), PKCS#1 RSA ({@code BEGIN RSA PRIVATE KEY}, OpenSSL before 3.0
 * and {@code -traditional}) and SEC1 EC ({@code BEGIN EC PRIVATE KEY}). The two older forms are
 * wrapped into PKCS#8, which is all the JDK reads. Other PEM blocks in the file (e.g. OpenSSL's
 * {@code EC PARAMETERS}) are passed over. Encrypted keys are refused, as ovs-vswitchd refuses them.
 */
final class PemPrivateKey {

    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----\\R(.*?)-----END \\1-----", Pattern.DOTALL);
    /** AlgorithmIdentifier rsaEncryption (1.2.840.113549.1.1.1) with NULL parameters. */
    private static final byte[] RSA_ALGORITHM = HexFormat.of().parseHex("300d06092a864886f70d0101010500");
    /** OID id-ecPublicKey (1.2.840.10045.2.1), tag and length included. */
    private static final byte[] EC_PUBLIC_KEY_OID = HexFormat.of().parseHex("06072a8648ce3d0201");
    private static final int SEQUENCE = 0x30;
    private static final int INTEGER = 0x02;
    private static final int OCTET_STRING = 0x04;
    private static final int OID = 0x06;
    private static final int EC_PARAMETERS_TAG = 0xa0;

    private PemPrivateKey() {
    }

    /**
     * The first private key in {@code file}.
     *
     * @throws ProxyException naming the file: unreadable, no key block, encrypted, or a key the JDK cannot read
     */
    static PrivateKey read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new ProxyException("TLS private key not readable: file=" + file + " error=" + e, e);
        }
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            String type = m.group(1);
            String body = m.group(2);
            switch (type) {
                case "ENCRYPTED PRIVATE KEY" -> throw encrypted(file);
                case "PRIVATE KEY" -> {
                    return pkcs8(file, type, decode(file, type, body));
                }
                case "RSA PRIVATE KEY" -> {
                    refuseEncryptedLegacy(file, body);
                    return pkcs8(file, type, wrap(RSA_ALGORITHM, decode(file, type, body)));
                }
                case "EC PRIVATE KEY" -> {
                    refuseEncryptedLegacy(file, body);
                    byte[] sec1 = decode(file, type, body);
                    byte[] algorithm = der(SEQUENCE, concat(EC_PUBLIC_KEY_OID, curveOf(file, sec1)));
                    return pkcs8(file, type, wrap(algorithm, sec1));
                }
                default -> {
                    // another block (certificate, EC PARAMETERS): look further
                }
            }
        }
        throw new ProxyException("no private key in TLS private key file: file=" + file
                + " (expected a PEM block BEGIN PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY)");
    }

    private static ProxyException encrypted(Path file) {
        return new ProxyException("TLS private key is encrypted: file=" + file
                + " (ovs-vswitchd cannot use one either; decrypt it with 'openssl pkey -in FILE -out NEW')");
    }

    private static void refuseEncryptedLegacy(Path file, String body) {
        if (body.contains("Proc-Type:") && body.contains("ENCRYPTED")) {
            throw encrypted(file);
        }
    }

    private static byte[] decode(Path file, String type, String body) {
        try {
            return Base64.getMimeDecoder().decode(body.strip());
        } catch (IllegalArgumentException e) {
            throw new ProxyException("TLS private key is not valid base64: file=" + file + " block=" + type, e);
        }
    }

    private static PrivateKey pkcs8(Path file, String type, byte[] encoded) {
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(encoded);
        GeneralSecurityException last = null;
        for (String algorithm : List.of("RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException e) {
                last = e;
            }
        }
        throw new ProxyException("TLS private key unusable: file=" + file + " block=" + type + " error=" + last, last);
    }

    /** PrivateKeyInfo ::= SEQUENCE { version 0, AlgorithmIdentifier, privateKey OCTET STRING }. */
    private static byte[] wrap(byte[] algorithm, byte[] key) {
        return der(SEQUENCE, concat(new byte[]{INTEGER, 1, 0}, algorithm, der(OCTET_STRING, key)));
    }

    /**
     * The named curve of a SEC1 ECPrivateKey ::= SEQUENCE { version 1, privateKey OCTET STRING,
     * [0] ECParameters OPTIONAL, [1] publicKey OPTIONAL }: the whole OID element inside [0].
     */
    private static byte[] curveOf(Path file, byte[] sec1) {
        try {
            Der outer = Der.at(sec1, 0);
            if (outer.tag != SEQUENCE) {
                throw new IllegalArgumentException("not a SEQUENCE");
            }
            int p = outer.contentStart;
            while (p < outer.end) {
                Der element = Der.at(sec1, p);
                if (element.tag == EC_PARAMETERS_TAG) {
                    Der oid = Der.at(sec1, element.contentStart);
                    if (oid.tag != OID) {
                        throw new IllegalArgumentException("explicit curve parameters (only named curves are read)");
                    }
                    return Arrays.copyOfRange(sec1, element.contentStart, oid.end);
                }
                p = element.end;
            }
            throw new IllegalArgumentException("no curve named ([0] parameters missing)");
        } catch (IllegalArgumentException | ArrayIndexOutOfBoundsException e) {
            throw new ProxyException("TLS private key unusable: file=" + file + " block=EC PRIVATE KEY error="
                    + e.getMessage() + " (convert it with 'openssl pkcs8 -topk8 -nocrypt')", e);
        }
    }

    private static byte[] der(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 6);
        out.write(tag);
        int n = content.length;
        if (n < 0x80) {
            out.write(n);
        } else {
            int bytes = n > 0xffffff ? 4 : n > 0xffff ? 3 : n > 0xff ? 2 : 1;
            out.write(0x80 | bytes);
            for (int i = bytes - 1; i >= 0; i--) {
                out.write(n >>> (8 * i));
            }
        }
        out.writeBytes(content);
        return out.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    /** One DER element's tag and bounds; throws IllegalArgumentException when it overruns its buffer. */
    private record Der(int tag, int contentStart, int end) {
        static Der at(byte[] b, int p) {
            int tag = b[p] & 0xff;
            int first = b[p + 1] & 0xff;
            int start = p + 2;
            int length;
            if (first < 0x80) {
                length = first;
            } else {
                int bytes = first & 0x7f;
                if (bytes == 0 || bytes > 3) {
                    throw new IllegalArgumentException("unsupported DER length at offset " + p);
                }
                length = 0;
                for (int i = 0; i < bytes; i++) {
                    length = (length << 8) | (b[start + i] & 0xff);
                }
                start += bytes;
            }
            if (start + length > b.length) {
                throw new IllegalArgumentException("DER element overruns the key at offset " + p);
            }
            return new Der(tag, start, start + length);
        }
    }
}
