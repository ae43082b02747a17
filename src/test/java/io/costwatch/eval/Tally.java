package io.costwatch.eval;

/**
 * Confusion counts of one detector over a set of series, scored point by point (a point is a day or an hour) over
 * the points each series had enough history for, plus event recall: a run of consecutive labelled points counts
 * as found when any of its points was flagged.
 */
public final class Tally {

  private int series;
  private int points;
  private double seriesDays;
  private int truePositives;
  private int falsePositives;
  private int falseNegatives;
  private int events;
  private int eventsFound;

  /** Adds one series' outcome; points before {@code firstScored} (the warm-up) are not counted. */
  public void add(LabelledSeries s, boolean[] flagged, int firstScored) {
    series++;
    boolean inEvent = false;
    boolean eventFound = false;
    for (int i = firstScored; i < s.size(); i++) {
      points++;
      boolean label = s.labels()[i];
      if (flagged[i] && label) {
        truePositives++;
      } else if (flagged[i]) {
        falsePositives++;
      } else if (label) {
        falseNegatives++;
      }
      if (label && !inEvent) {
        events++;
        eventFound = false;
      }
      if (label && flagged[i] && !eventFound) {
        eventFound = true;
        eventsFound++;
      }
      inEvent = label;
    }
    seriesDays += Math.max(0, s.size() - firstScored) * s.pointHours() / 24.0;
  }

  public void addAll(Tally other) {
    series += other.series;
    points += other.points;
    seriesDays += other.seriesDays;
    truePositives += other.truePositives;
    falsePositives += other.falsePositives;
    falseNegatives += other.falseNegatives;
    events += other.events;
    eventsFound += other.eventsFound;
  }

  /** Flagged points that were labelled; 1 when nothing was flagged (no false alarm was raised). */
  public double precision() {
    int flagged = truePositives + falsePositives;
    return flagged == 0 ? 1 : (double) truePositives / flagged;
  }

  /** Labelled points that were flagged; 1 when nothing was labelled. */
  public double recall() {
    int labelled = truePositives + falseNegatives;
    return labelled == 0 ? 1 : (double) truePositives / labelled;
  }

  public double f1() {
    double p = precision();
    double r = recall();
    return p + r == 0 ? 0 : 2 * p * r / (p + r);
  }

  /** Labelled events (runs of labelled points) with at least one flagged point; 1 when there were none. */
  public double eventRecall() {
    return events == 0 ? 1 : (double) eventsFound / events;
  }

  /** False positives per 100 days of scored series (24 scored hours count as one series-day). */
  public double falseAlarmsPer100SeriesDays() {
    return seriesDays == 0 ? 0 : falsePositives * 100 / seriesDays;
  }

  public int series() {
    return series;
  }

  public int points() {
    return points;
  }

  public double seriesDays() {
    return seriesDays;
  }

  public int truePositives() {
    return truePositives;
  }

  public int falsePositives() {
    return falsePositives;
  }

  public int falseNegatives() {
    return falseNegatives;
  }

  public int events() {
    return events;
  }

  public int eventsFound() {
    return eventsFound;
  }
}
