package dev.sluice.http;

import dev.sluice.error.ApiError;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.util.ArrayList;
import java.util.List;

/**
 * The RFC 9112 checks on a decoded request head that the codec leaves to the server: the HTTP
 * version, and a body length that only one reading of the message gives. Netty rejects
 * Transfer-Encoding with Content-Length and a non-final {@code chunked} itself; an unknown coding
 * such as {@code xchunked} it reads as "no body", so the body would be parsed as the next request.
 */
final class MessageFraming {
  private MessageFraming() {
  }

  /** The error to refuse {@code request} with, or null when it is well framed. */
  static ApiError violation(HttpRequest request) {
    HttpVersion version = request.protocolVersion();
    if (version.majorVersion() != 1 || version.minorVersion() > 1) {
      return ProtocolErrors.versionNotSupported(version.text());
    }
    HttpHeaders headers = request.headers();
    if (!headers.contains(HttpHeaderNames.TRANSFER_ENCODING)) {
      return null;
    }
    if (headers.contains(HttpHeaderNames.CONTENT_LENGTH)) {
      return ProtocolErrors.malformedRequest("Transfer-Encoding and Content-Length must not be sent together");
    }
    List<String> codings = codings(headers.getAll(HttpHeaderNames.TRANSFER_ENCODING));
    if (codings.size() != 1 || !HttpHeaderValues.CHUNKED.contentEqualsIgnoreCase(codings.get(0))) {
      return ProtocolErrors.malformedRequest("the only Transfer-Encoding accepted is chunked");
    }
    return null;
  }

  private static List<String> codings(List<String> fields) {
    List<String> out = new ArrayList<>();
    for (String field : fields) {
      for (String coding : field.split(",")) {
        if (!coding.isBlank()) {
          out.add(coding.trim());
        }
      }
    }
    return out;
  }
}
