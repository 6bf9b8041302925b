package dev.sluice.ratelimit;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * The few headers of one admission, as an immutable map in the order they were put: built without
 * hashing and walked as an array (the relay copies them onto every response). Keys are compared
 * as written; {@link RateLimitHeaders} keeps them unique ignoring case.
 */
final class LimitHeaders extends AbstractMap<String, String> {
  private final Map.Entry<String, String>[] entries;
  private final int size;

  private LimitHeaders(Map.Entry<String, String>[] entries, int size) {
    this.entries = entries;
    this.size = size;
  }

  /** {@code headers} as a {@link LimitHeaders} (itself when it is one). */
  static Map<String, String> copyOf(Map<String, String> headers) {
    if (headers instanceof LimitHeaders) {
      return headers;
    }
    Builder b = new Builder(headers.size());
    headers.forEach(b::put);
    return b.build();
  }

  /** Collects the headers; {@link #put} replaces the value of a name already put. */
  static final class Builder {
    private Map.Entry<String, String>[] entries;
    private int size;

    @SuppressWarnings("unchecked")
    Builder(int expected) {
      entries = new Map.Entry[Math.max(expected, 1)];
    }

    Builder put(String name, String value) {
      if (name == null || value == null) {
        throw new NullPointerException("header name and value");
      }
      for (int i = 0; i < size; i++) {
        if (entries[i].getKey().equals(name)) {
          entries[i] = Map.entry(name, value);
          return this;
        }
      }
      if (size == entries.length) {
        entries = Arrays.copyOf(entries, size * 2);
      }
      entries[size++] = Map.entry(name, value);
      return this;
    }

    Map<String, String> build() {
      return new LimitHeaders(entries, size);
    }
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public String get(Object key) {
    for (int i = 0; i < size; i++) {
      if (entries[i].getKey().equals(key)) {
        return entries[i].getValue();
      }
    }
    return null;
  }

  @Override
  public boolean containsKey(Object key) {
    return get(key) != null;
  }

  @Override
  public Set<Map.Entry<String, String>> entrySet() {
    return new AbstractSet<>() {
      @Override
      public int size() {
        return size;
      }

      @Override
      public Iterator<Map.Entry<String, String>> iterator() {
        return new Iterator<>() {
          private int next;

          @Override
          public boolean hasNext() {
            return next < size;
          }

          @Override
          public Map.Entry<String, String> next() {
            if (next >= size) {
              throw new NoSuchElementException();
            }
            return entries[next++];
          }
        };
      }
    };
  }
}
