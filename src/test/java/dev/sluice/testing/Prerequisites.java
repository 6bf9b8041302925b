package dev.sluice.testing;

import org.junit.jupiter.api.Assumptions;

/**
 * What a test does when something it runs against (PostgreSQL, Redis, a CLI, the browser) is
 * missing: on a developer's machine it is reported as skipped; with {@code SLUICE_REQUIRE_ALL=1}
 * (set by {@code .ci/run}, which installs and starts all of them) it fails, so CI never passes
 * with tests that did not run.
 */
public final class Prerequisites {
  private Prerequisites() {
  }

  public static void missing(String what) {
    if ("1".equals(System.getenv("SLUICE_REQUIRE_ALL"))) {
      throw new AssertionError(what + " (SLUICE_REQUIRE_ALL=1: every prerequisite must be present)");
    }
    Assumptions.abort(what);
  }
}
