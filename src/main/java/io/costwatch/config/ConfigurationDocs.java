package io.costwatch.config;

import java.util.Objects;

/**
 * Renders the reference of every setting in {@link Settings} as the Markdown kept in docs/configuration.md between
 * {@link #BEGIN} and {@link #END}; {@code ConfigurationDocsTest} fails when the committed text differs.
 */
public final class ConfigurationDocs {

  public static final String BEGIN = "<!-- settings reference: generated from io.costwatch.config.Settings by "
      + "ConfigurationDocsTest; regenerate with -Dcostwatch.updateConfigDocs=true -->";
  public static final String END = "<!-- end of settings reference -->";

  private ConfigurationDocs() {
  }

  /** The generated block, markers included. */
  public static String reference() {
    StringBuilder out = new StringBuilder(BEGIN).append('\n');
    String section = null;
    for (Setting s : Settings.all()) {
      if (!Objects.equals(section, s.section())) {
        section = s.section();
        out.append("\n### ").append(section).append("\n\n")
            .append("| variable | type | default | secret | meaning |\n")
            .append("|---|---|---|---|---|\n");
      }
      out.append("| `").append(s.name()).append("` | ").append(s.type().label()).append(" | ")
          .append(s.defaultValue().isEmpty() ? "unset" : "`" + s.defaultValue() + "`").append(" | ")
          .append(s.secret() ? "yes" : "").append(" | ")
          .append(s.description().replace("|", "\\|")).append(" |\n");
    }
    return out.append('\n').append(END).toString();
  }

  /** {@code document} with its generated block replaced by the current {@link #reference()}. */
  public static String update(String document) {
    int begin = document.indexOf(BEGIN);
    int end = document.indexOf(END);
    if (begin < 0 || end < begin) {
      throw new IllegalArgumentException("the document has no settings reference block (" + BEGIN + " ... " + END
          + ")");
    }
    return document.substring(0, begin) + reference() + document.substring(end + END.length());
  }
}
