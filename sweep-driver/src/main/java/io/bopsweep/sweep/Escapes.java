package io.bopsweep.sweep;

/** Text from a spec or a store made safe to print on a terminal. */
public final class Escapes {
  private Escapes() {}

  /** Control characters (ESC of ANSI sequences, C1 controls, line breaks) written as \\uXXXX; the rest unchanged. */
  public static String printable(String s) {
    StringBuilder out = new StringBuilder(s.length());
    s.codePoints().forEach(c -> {
      if (Character.isISOControl(c) || c == 0x2028 || c == 0x2029 || Character.getType(c) == Character.FORMAT) {
        out.append(String.format("\\u%04x", c));
      } else {
        out.appendCodePoint(c);
      }
    });
    return out.toString();
  }
}
