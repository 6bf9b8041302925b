package dev.sluice.e2e;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A minimal HTTP/1.1 client over a plain socket, so tests can send any bytes and any header value
 * (the JDK client refuses some). One request per connection ({@code Connection: close}).
 */
public final class RawHttp {
  /** A response; header names are lower case. */
  record Response(int status, Map<String, String> headers, byte[] body) {
    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  /** Thrown when the server sends nothing for {@code timeoutMillis}. */
  static final class Hang extends IOException {
    Hang(String message) {
      super(message);
    }
  }

  private RawHttp() {
  }

  /**
   * Sends one request and reads the whole response.
   *
   * @param headers name/value pairs; a null value leaves the header out
   */
  static Response send(int port, String method, String path, byte[] body, int timeoutMillis, String... headers)
      throws IOException {
    return parse(exchange(port, method, path, body, timeoutMillis, headers));
  }

  /** The status of the response, even a cut-off one; -1 when no byte came back. */
  static int status(int port, String method, String path, byte[] body, int timeoutMillis, String... headers)
      throws IOException {
    byte[] raw = exchange(port, method, path, body, timeoutMillis, headers);
    String head = new String(raw, 0, Math.min(raw.length, 16), StandardCharsets.ISO_8859_1);
    return head.startsWith("HTTP/1.1 ") && head.length() >= 12 ? Integer.parseInt(head.substring(9, 12)) : -1;
  }

  private static byte[] exchange(int port, String method, String path, byte[] body, int timeoutMillis,
                                 String... headers) throws IOException {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(timeoutMillis);
      StringBuilder head = new StringBuilder();
      head.append(method).append(' ').append(path).append(" HTTP/1.1\r\n");
      head.append("Host: 127.0.0.1:").append(port).append("\r\n");
      head.append("Connection: close\r\n");
      for (int i = 0; i < headers.length; i += 2) {
        if (headers[i + 1] != null) {
          head.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
        }
      }
      head.append("Content-Length: ").append(body.length).append("\r\n\r\n");
      OutputStream out = s.getOutputStream();
      out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
      try {
        out.write(body);
        out.flush();
      } catch (IOException e) {
        // the server may answer (413) and close before reading the whole body; read what it said
      }
      byte[] raw;
      try {
        raw = readAll(s.getInputStream());
      } catch (SocketTimeoutException e) {
        throw new Hang(method + " " + path + ": no complete response within " + timeoutMillis + " ms");
      }
      return raw;
    }
  }

  /**
   * Writes {@code request} as it is and reads until the server closes the connection.
   *
   * @throws Hang when the connection is still open after {@code timeoutMillis}
   */
  static byte[] untilClosed(int port, byte[] request, int timeoutMillis) throws IOException {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(timeoutMillis);
      s.getOutputStream().write(request);
      s.getOutputStream().flush();
      try {
        return readAll(s.getInputStream());
      } catch (SocketTimeoutException e) {
        throw new Hang("connection still open after " + timeoutMillis + " ms");
      }
    }
  }

  /** Every response in {@code raw}, each delimited by its Content-Length. */
  static List<Response> parseAll(byte[] raw) throws IOException {
    List<Response> out = new ArrayList<>();
    int pos = 0;
    while (pos < raw.length) {
      int end = indexOf(raw, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), pos);
      if (end < 0) {
        throw new IOException("trailing bytes that are no response head: "
            + new String(raw, pos, raw.length - pos, StandardCharsets.ISO_8859_1));
      }
      String head = new String(raw, pos, end - pos, StandardCharsets.ISO_8859_1);
      Matcher m = Pattern.compile("(?im)^content-length:\\s*(\\d+)").matcher(head);
      int length = m.find() ? Integer.parseInt(m.group(1)) : 0;
      int next = Math.min(raw.length, end + 4 + length);
      out.add(parse(Arrays.copyOfRange(raw, pos, next)));
      pos = next;
    }
    return out;
  }

  private static byte[] readAll(InputStream in) throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    byte[] chunk = new byte[16384];
    try {
      for (int n; (n = in.read(chunk)) >= 0; ) {
        buf.write(chunk, 0, n);
      }
    } catch (java.net.SocketException reset) {
      if (buf.size() == 0) {
        throw reset;
      }
    }
    return buf.toByteArray();
  }

  static Response parse(byte[] raw) throws IOException {
    int end = indexOf(raw, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), 0);
    if (end < 0) {
      throw new IOException("no complete response head in " + raw.length + " bytes");
    }
    String[] lines = new String(raw, 0, end, StandardCharsets.ISO_8859_1).split("\r\n");
    int status = Integer.parseInt(lines[0].split(" ")[1]);
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
    }
    int start = end + 4;
    byte[] body;
    if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
      body = dechunk(raw, start);
    } else {
      body = Arrays.copyOfRange(raw, start, raw.length);
      String cl = headers.get("content-length");
      if (cl != null && Integer.parseInt(cl) != body.length) {
        throw new IOException("content-length " + cl + " but " + body.length + " body bytes");
      }
    }
    return new Response(status, headers, body);
  }

  private static byte[] dechunk(byte[] raw, int pos) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    while (true) {
      int eol = indexOf(raw, new byte[] {'\r', '\n'}, pos);
      if (eol < 0) {
        throw new IOException("truncated chunked body");
      }
      String sizeLine = new String(raw, pos, eol - pos, StandardCharsets.ISO_8859_1);
      int semi = sizeLine.indexOf(';');
      int size = Integer.parseInt((semi < 0 ? sizeLine : sizeLine.substring(0, semi)).trim(), 16);
      pos = eol + 2;
      if (size == 0) {
        return out.toByteArray();
      }
      if (pos + size > raw.length) {
        throw new IOException("truncated chunk");
      }
      out.write(raw, pos, size);
      pos += size + 2;
    }
  }

  private static int indexOf(byte[] hay, byte[] needle, int from) {
    outer:
    for (int i = from; i <= hay.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  /**
   * Opens a connection and sends one POST with a Sluice key; the caller reads the answer (or hangs
   * up) from the returned socket.
   */
  public static Socket openPost(int port, String path, String body, String key, String... headers) throws IOException {
    Socket s = new Socket("127.0.0.1", port);
    s.setSoTimeout(10_000);
    StringBuilder req = new StringBuilder("POST " + path + " HTTP/1.1\r\nHost: localhost\r\n")
        .append("Authorization: Bearer ").append(key).append("\r\n")
        .append("Content-Type: application/json\r\nContent-Length: ")
        .append(body.getBytes(StandardCharsets.UTF_8).length).append("\r\n");
    for (int i = 0; i < headers.length; i += 2) {
      req.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
    }
    req.append("\r\n").append(body);
    s.getOutputStream().write(req.toString().getBytes(StandardCharsets.UTF_8));
    s.getOutputStream().flush();
    return s;
  }

  /** Reads lines until one contains {@code marker} (or the stream ends); returns what was read. */
  public static String readUntil(InputStream in, String marker) throws IOException {
    BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    StringBuilder sb = new StringBuilder();
    String line;
    while ((line = r.readLine()) != null) {
      sb.append(line).append('\n');
      if (sb.indexOf(marker) >= 0) {
        break;
      }
    }
    return sb.toString();
  }
}
