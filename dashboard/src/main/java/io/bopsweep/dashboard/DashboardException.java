package io.bopsweep.dashboard;

/** Bad input to the dashboard (a store it cannot read, a refused query, a taken port): one line for the user. */
public final class DashboardException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public DashboardException(String message) {
    super(message);
  }
}
