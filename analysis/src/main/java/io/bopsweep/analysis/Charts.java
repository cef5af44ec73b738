package io.bopsweep.analysis;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Paint;
import java.awt.Rectangle;
import java.io.IOException;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.util.List;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.annotations.XYTextAnnotation;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.axis.SymbolAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.PaintScale;
import org.jfree.chart.renderer.xy.DeviationRenderer;
import org.jfree.chart.renderer.xy.XYBlockRenderer;
import org.jfree.chart.title.PaintScaleLegend;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.data.xy.DefaultXYZDataset;
import org.jfree.data.xy.YIntervalSeries;
import org.jfree.data.xy.YIntervalSeriesCollection;
import org.jfree.svg.SVGGraphics2D;
import org.jfree.svg.SVGUtils;

/** The report's plots, drawn with JFreeChart, each written as PNG and SVG. */
public final class Charts {
  public static final int WIDTH = 1000;
  public static final int HEIGHT = 640;
  /** The colour of a heatmap cell that was not run. */
  public static final Color NOT_RUN = new Color(0xeeeeee);

  /** Distinct series colours, in order; tests look for them in the PNGs. */
  public static final Color[] PALETTE = {
    new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0xff7f0e), new Color(0x9467bd),
    new Color(0x8c564b), new Color(0xe377c2), new Color(0x17becf), new Color(0xbcbd22), new Color(0x7f7f7f)
  };

  static {
    System.setProperty("java.awt.headless", "true");
  }

  private Charts() {}

  /** One curve with a band: x, mean, std per point. */
  public record Curve(String label, double[] x, double[] mean, double[] std) {}

  /** One heatmap cell: mean, std (NaN with one seed) and seeds; null where nothing was run. */
  public record Cell(double mean, double std, long n) {}

  static Color color(int i) {
    return PALETTE[i % PALETTE.length];
  }

  /**
   * Mean lines with markers and a +-std band per configuration, over epochs from 1. Writes
   * {@code base}.png and {@code base}.svg.
   */
  public static void bands(List<Curve> curves, String title, String xLabel, String yLabel, Path base) throws IOException {
    YIntervalSeriesCollection data = new YIntervalSeriesCollection();
    double lastEpoch = 1;
    for (Curve c : curves) {
      YIntervalSeries s = new YIntervalSeries(c.label());
      for (int i = 0; i < c.x().length; i++) {
        s.add(c.x()[i], c.mean()[i], c.mean()[i] - c.std()[i], c.mean()[i] + c.std()[i]);
        lastEpoch = Math.max(lastEpoch, c.x()[i]);
      }
      data.addSeries(s);
    }
    DeviationRenderer r = new DeviationRenderer(true, true);
    for (int i = 0; i < curves.size(); i++) {
      r.setSeriesPaint(i, color(i));
      r.setSeriesFillPaint(i, color(i));
      r.setSeriesStroke(i, new BasicStroke(2.5f));
    }
    r.setAlpha(0.2f);
    NumberAxis xAxis = new NumberAxis(xLabel);
    xAxis.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
    double pad = Math.max(0.1, (lastEpoch - 1) * 0.03);
    xAxis.setRange(1 - pad, lastEpoch + pad);
    NumberAxis yAxis = new NumberAxis(yLabel);
    yAxis.setAutoRangeIncludesZero(false);
    XYPlot plot = new XYPlot(data, xAxis, yAxis, r);
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(new Color(0xdddddd));
    plot.setRangeGridlinePaint(new Color(0xdddddd));
    JFreeChart chart = new JFreeChart(title, new Font("SansSerif", Font.BOLD, 18), plot, true);
    save(chart, base);
  }

  /**
   * A heatmap of a metric over two axes, one block per (row, column) value. Axis values are
   * categories in sorted order (gamma and tau span decades and include 0). A cell that was not run
   * is pale grey and says "not run"; every other cell shows its mean, std and n. Writes
   * {@code base}.png and {@code base}.svg.
   */
  public static void heatmap(List<String> rowValues, List<String> colValues, Cell[][] cells, String title,
      String rowLabel, String colLabel, String zLabel, Path base) throws IOException {
    int n = rowValues.size() * colValues.size();
    double[] xs = new double[n];
    double[] ys = new double[n];
    double[] zs = new double[n];
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    int k = 0;
    for (int c = 0; c < colValues.size(); c++) {
      for (int r = 0; r < rowValues.size(); r++) {
        Cell cell = cells[r][c];
        xs[k] = c;
        ys[k] = r;
        zs[k] = cell == null ? Double.NaN : cell.mean();
        if (cell != null) {
          lo = Math.min(lo, cell.mean());
          hi = Math.max(hi, cell.mean());
        }
        k++;
      }
    }
    if (!(hi > lo)) {
      lo -= 0.005;
      hi += 0.005;
    }
    DefaultXYZDataset data = new DefaultXYZDataset();
    data.addSeries(zLabel, new double[][] {xs, ys, zs});
    ViridisScale scale = new ViridisScale(lo, hi);
    XYBlockRenderer renderer = new XYBlockRenderer();
    renderer.setPaintScale(scale);
    SymbolAxis xAxis = new SymbolAxis(colLabel, colValues.toArray(new String[0]));
    SymbolAxis yAxis = new SymbolAxis(rowLabel, rowValues.toArray(new String[0]));
    xAxis.setGridBandsVisible(false);
    yAxis.setGridBandsVisible(false);
    XYPlot plot = new XYPlot(data, xAxis, yAxis, renderer);
    plot.setBackgroundPaint(Color.WHITE);
    Font font = new Font("SansSerif", Font.PLAIN, n > 30 ? 10 : 13);
    for (int c = 0; c < colValues.size(); c++) {
      for (int r = 0; r < rowValues.size(); r++) {
        Cell cell = cells[r][c];
        if (cell == null) {
          plot.addAnnotation(text("not run", c, r, font, Color.DARK_GRAY));
          continue;
        }
        Color ink = scale.brightness(cell.mean()) > 0.55 ? Color.BLACK : Color.WHITE;
        plot.addAnnotation(text(String.format(java.util.Locale.ROOT, "%.4f", cell.mean()), c, r + 0.22, font, ink));
        if (!Double.isNaN(cell.std())) {
          plot.addAnnotation(text(String.format(java.util.Locale.ROOT, "± %.4f", cell.std()), c, r, font, ink));
        }
        plot.addAnnotation(text("n = " + cell.n(), c, r - 0.22, font, ink));
      }
    }
    JFreeChart chart = new JFreeChart(title, new Font("SansSerif", Font.BOLD, 18), plot, false);
    NumberAxis legendAxis = new NumberAxis(zLabel + " (mean over seeds)");
    double unit = tickUnit(hi - lo);
    int decimals = Math.max(0, (int) -Math.floor(Math.log10(unit) + 1e-9));
    legendAxis.setRange(lo, hi);
    legendAxis.setTickUnit(new NumberTickUnit(unit, new DecimalFormat(decimals == 0 ? "0" : "0." + "0".repeat(decimals))));
    PaintScaleLegend legend = new PaintScaleLegend(scale, legendAxis);
    legend.setPosition(RectangleEdge.RIGHT);
    legend.setMargin(4, 4, 40, 4);
    legend.setStripWidth(20);
    chart.addSubtitle(legend);
    save(chart, base);
  }

  /** The smallest of 1, 2 and 5 times a power of ten that cuts range into at most 5 steps. */
  static double tickUnit(double range) {
    double power = Math.pow(10, Math.floor(Math.log10(range / 5)));
    for (double m : new double[] {1, 2, 5, 10}) {
      if (m * power * 5 >= range) {
        return m * power;
      }
    }
    return 10 * power;
  }

  private static XYTextAnnotation text(String s, double x, double y, Font font, Paint paint) {
    XYTextAnnotation a = new XYTextAnnotation(s, x, y);
    a.setFont(font);
    a.setPaint(paint);
    return a;
  }

  /** Viridis over [lo, hi]; NaN (a cell not run) is {@link #NOT_RUN}, never a colour of the scale. */
  record ViridisScale(double lo, double hi) implements PaintScale {
    @Override
    public double getLowerBound() {
      return lo;
    }

    @Override
    public double getUpperBound() {
      return hi;
    }

    @Override
    public Paint getPaint(double value) {
      return Double.isNaN(value) ? NOT_RUN : viridis((value - lo) / (hi - lo));
    }

    double brightness(double value) {
      Color c = viridis((value - lo) / (hi - lo));
      return (0.299 * c.getRed() + 0.587 * c.getGreen() + 0.114 * c.getBlue()) / 255;
    }
  }

  /** Three-stop approximation of the viridis colour map (dark purple, teal, yellow). */
  static Color viridis(double t) {
    int[][] stops = {{68, 1, 84}, {33, 145, 140}, {253, 231, 37}};
    double u = Math.max(0, Math.min(1, t)) * 2;
    int i = Math.min(1, (int) u);
    double f = u - i;
    int[] a = stops[i];
    int[] b = stops[i + 1];
    return new Color((int) (a[0] + (b[0] - a[0]) * f), (int) (a[1] + (b[1] - a[1]) * f), (int) (a[2] + (b[2] - a[2]) * f));
  }

  private static void save(JFreeChart chart, Path base) throws IOException {
    chart.setBackgroundPaint(Color.WHITE);
    ChartUtils.saveChartAsPNG(base.resolveSibling(base.getFileName() + ".png").toFile(), chart, WIDTH, HEIGHT);
    SVGGraphics2D g2 = new SVGGraphics2D(WIDTH, HEIGHT);
    g2.setDefsKeyPrefix("bopsweep");
    chart.draw(g2, new Rectangle(0, 0, WIDTH, HEIGHT));
    SVGUtils.writeToSVG(base.resolveSibling(base.getFileName() + ".svg").toFile(), g2.getSVGElement());
  }
}
