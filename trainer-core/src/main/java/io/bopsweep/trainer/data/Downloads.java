package io.bopsweep.trainer.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;

/** HTTP downloads into a file, and digests of files. */
final class Downloads {
  private static final HttpClient CLIENT = HttpClient.newBuilder()
      .followRedirects(HttpClient.Redirect.NORMAL)
      .connectTimeout(Duration.ofSeconds(20))
      .build();

  private Downloads() {}

  /** Downloads url into target (which must not be the final name: callers rename after verifying). */
  static void download(String url, Path target) throws IOException {
    HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMinutes(30)).GET().build();
    HttpResponse<InputStream> response;
    try {
      response = CLIENT.send(request, HttpResponse.BodyHandlers.ofInputStream());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while downloading " + url, e);
    }
    try (InputStream in = response.body()) {
      if (response.statusCode() != 200) {
        throw new IOException(url + ": HTTP " + response.statusCode());
      }
      long expected = response.headers().firstValueAsLong("content-length").orElse(-1);
      long copied;
      try (OutputStream out = Files.newOutputStream(target)) {
        copied = in.transferTo(out);
      }
      if (expected >= 0 && copied != expected) {
        throw new IOException(url + ": download interrupted after " + copied + " of " + expected + " bytes");
      }
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
}
