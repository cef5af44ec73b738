package io.bopsweep.trainer.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** HTTP downloads into a file, and digests of files. */
final class Downloads {
  /** A download that receives nothing for this long fails (system property bopsweep.download.timeoutMs). */
  static final int TIMEOUT_MS = Integer.getInteger("bopsweep.download.timeoutMs", 60_000);

  private Downloads() {}

  /** Downloads url into target (never the final name: callers rename after verifying). */
  static void download(String url, Path target) throws IOException {
    URL current = URI.create(url).toURL();
    for (int redirects = 0; ; redirects++) {
      HttpURLConnection c = (HttpURLConnection) current.openConnection();
      c.setConnectTimeout(TIMEOUT_MS);
      c.setReadTimeout(TIMEOUT_MS);
      c.setInstanceFollowRedirects(false);
      c.setRequestProperty("User-Agent", "bopsweep");
      int status = c.getResponseCode();
      if (status >= 300 && status < 400 && c.getHeaderField("Location") != null && redirects < 5) {
        current = new URL(current, c.getHeaderField("Location"));
        c.disconnect();
        continue;
      }
      if (status != 200) {
        c.disconnect();
        throw new IOException(url + ": HTTP " + status);
      }
      long expected = c.getContentLengthLong();
      long copied;
      try (InputStream in = c.getInputStream(); OutputStream out = Files.newOutputStream(target)) {
        copied = in.transferTo(out);
      } catch (IOException e) {
        throw new IOException(url + ": download interrupted (" + e.getMessage() + ")", e);
      }
      if (expected >= 0 && copied != expected) {
        throw new IOException(url + ": download interrupted after " + copied + " of " + expected + " bytes");
      }
      return;
    }
  }

  static String digest(Path file, String algorithm) throws IOException {
    MessageDigest md;
    try {
      md = MessageDigest.getInstance(algorithm);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    byte[] buf = new byte[1 << 16];
    try (InputStream in = Files.newInputStream(file)) {
      int n;
      while ((n = in.read(buf)) > 0) {
        md.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }

  static String sha256(Path file) throws IOException {
    return digest(file, "SHA-256");
  }

  static String sha256(byte[] data) {
    try {
      return java.util.HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
