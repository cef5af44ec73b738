package io.bopsweep.analysis;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.SymbolAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.LookupPaintScale;
import org.jfree.chart.renderer.xy.DeviationRenderer;
import org.jfree.chart.renderer.xy.XYBlockRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.PaintScaleLegend;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.data.xy.DefaultXYZDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.data.xy.YIntervalSeries;
import org.jfree.data.xy.YIntervalSeriesCollection;

/** The report's PNG plots, drawn with JFreeChart. */
public final class Charts {
  public static final int WIDTH = 1000;
  public static final int HEIGHT = 640;

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

  static Color color(int i) {
    return PALETTE[i % PALETTE.length];
  }

  /** Mean lines with a +-std band per configuration. */
  public static void bands(List<Curve> curves, String title, String xLabel, String yLabel, Path png) throws IOException {
    YIntervalSeriesCollection data = new YIntervalSeriesCollection();
    for (Curve c : curves) {
      YIntervalSeries s = new YIntervalSeries(c.label());
      for (int i = 0; i < c.x().length; i++) {
        s.add(c.x()[i], c.mean()[i], c.mean()[i] - c.std()[i], c.mean()[i] + c.std()[i]);
      }
      data.addSeries(s);
    }
    DeviationRenderer r = new DeviationRenderer(true, false);
    for (int i = 0; i < curves.size(); i++) {
      r.setSeriesPaint(i, color(i));
      r.setSeriesFillPaint(i, color(i));
      r.setSeriesStroke(i, new BasicStroke(2.5f));
    }
    r.setAlpha(0.2f);
    NumberAxis xAxis = new NumberAxis(xLabel);
    xAxis.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
    NumberAxis yAxis = new NumberAxis(yLabel);
    yAxis.setAutoRangeIncludesZero(false);
    save(new XYPlot(data, xAxis, yAxis, r), title, png);
  }

  /** Plain lines per configuration. */
  public static void lines(List<Curve> curves, String title, String xLabel, String yLabel, Path png) throws IOException {
    XYSeriesCollection data = new XYSeriesCollection();
    for (Curve c : curves) {
      XYSeries s = new XYSeries(c.label());
      for (int i = 0; i < c.x().length; i++) {
        s.add(c.x()[i], c.mean()[i]);
      }
      data.addSeries(s);
    }
    XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, false);
    for (int i = 0; i < curves.size(); i++) {
      r.setSeriesPaint(i, color(i));
      r.setSeriesStroke(i, new BasicStroke(2.5f));
    }
    NumberAxis xAxis = new NumberAxis(xLabel);
    xAxis.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
    NumberAxis yAxis = new NumberAxis(yLabel);
    yAxis.setAutoRangeIncludesZero(false);
    save(new XYPlot(data, xAxis, yAxis, r), title, png);
  }

  /**
   * A heatmap of values over two axes. Axis values are shown as categories in sorted order (so
   * gamma and tau, which span decades and include 0, are evenly spaced, i.e. on a log-like scale).
   */
  public static void heatmap(List<String> rowValues, List<String> colValues, double[][] z, String title,
      String rowLabel, String colLabel, String zLabel, Path png) throws IOException {
    DefaultXYZDataset data = new DefaultXYZDataset();
    int n = rowValues.size() * colValues.size();
    double[] xs = new double[n];
    double[] ys = new double[n];
    double[] zs = new double[n];
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    int k = 0;
    for (int c = 0; c < colValues.size(); c++) {
      for (int r = 0; r < rowValues.size(); r++) {
        xs[k] = c;
        ys[k] = r;
        zs[k] = z[r][c];
        if (!Double.isNaN(z[r][c])) {
          lo = Math.min(lo, z[r][c]);
          hi = Math.max(hi, z[r][c]);
        }
        k++;
      }
    }
    data.addSeries(zLabel, new double[][] {xs, ys, zs});
    if (!(hi > lo)) {
      hi = lo + 1e-9;
    }
    LookupPaintScale scale = new LookupPaintScale(lo, hi + 1e-12, Color.LIGHT_GRAY);
    int steps = 64;
    for (int i = 0; i < steps; i++) {
      double v = lo + (hi - lo) * i / steps;
      scale.add(v, viridis((double) i / (steps - 1)));
    }
    XYBlockRenderer r = new XYBlockRenderer();
    r.setPaintScale(scale);
    SymbolAxis xAxis = new SymbolAxis(colLabel, colValues.toArray(new String[0]));
    SymbolAxis yAxis = new SymbolAxis(rowLabel, rowValues.toArray(new String[0]));
    xAxis.setGridBandsVisible(false);
    yAxis.setGridBandsVisible(false);
    XYPlot plot = new XYPlot(data, xAxis, yAxis, r);
    JFreeChart chart = new JFreeChart(title, new Font("SansSerif", Font.BOLD, 18), plot, false);
    NumberAxis legendAxis = new NumberAxis(zLabel);
    PaintScaleLegend legend = new PaintScaleLegend(scale, legendAxis);
    legend.setPosition(RectangleEdge.RIGHT);
    legend.setMargin(4, 4, 40, 4);
    chart.addSubtitle(legend);
    chart.setBackgroundPaint(Color.WHITE);
    ChartUtils.saveChartAsPNG(png.toFile(), chart, WIDTH, HEIGHT);
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

  private static void save(XYPlot plot, String title, Path png) throws IOException {
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(new Color(0xdddddd));
    plot.setRangeGridlinePaint(new Color(0xdddddd));
    JFreeChart chart = new JFreeChart(title, new Font("SansSerif", Font.BOLD, 18), plot, true);
    chart.setBackgroundPaint(Color.WHITE);
    ChartUtils.saveChartAsPNG(png.toFile(), chart, WIDTH, HEIGHT);
  }
}
