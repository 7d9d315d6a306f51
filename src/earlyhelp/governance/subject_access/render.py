"""Writing a subject access file out: Markdown, or a standalone HTML page."""

import html

from .report import Report, utc


def _md_cell(value) -> str:
    return str(value if value is not None else "").replace("|", "\\|").replace("\n", "<br>")


def render_markdown(report: Report) -> str:
    lines = [
        f"# Subject access request: {report.person_name}",
        "",
        f"Everything earlyhelp holds about {report.person_name} (person id {report.person_id}),"
        f" made {utc(report.made_at)}.",
        "",
        "Before release the Data Protection Officer reviews this file and redacts information "
        "about other people.",
        "",
    ]
    for section in report.sections:
        lines += [f"## {section.title}", ""]
        if section.intro:
            lines += [section.intro, ""]
        if section.facts:
            lines += [
                f"- **{label}:** {_md_cell(value)}"
                for label, value in section.facts
                if value not in (None, "")
            ]
            lines.append("")
        for caption, table in section.tables:
            if caption:
                lines += [f"### {caption}", ""]
            if not table.rows:
                lines += ["None recorded.", ""]
                continue
            lines.append("| " + " | ".join(table.headers) + " |")
            lines.append("|" + "---|" * len(table.headers))
            lines += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in table.rows]
            lines.append("")
        if not section.facts and not section.tables:
            lines += ["None recorded.", ""]
    return "\n".join(lines)


def render_html(report: Report) -> str:
    e = html.escape
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>Subject access request: {e(report.person_name)}</title>",
        "<style>body{font-family:Arial,sans-serif;margin:2em;max-width:75em}"
        "table{border-collapse:collapse;margin-bottom:1.5em}"
        "th,td{border:1px solid #b1b4b6;padding:.3em .5em;text-align:left;vertical-align:top}"
        "th{background:#f3f2f1}</style></head><body>",
        f"<h1>Subject access request: {e(report.person_name)}</h1>",
        f"<p>Everything earlyhelp holds about {e(report.person_name)} (person id "
        f"{e(report.person_id)}), made {e(utc(report.made_at))}.</p>",
        "<p>Before release the Data Protection Officer reviews this file and redacts "
        "information about other people.</p>",
    ]
    for section in report.sections:
        out.append(f"<h2>{e(section.title)}</h2>")
        if section.intro:
            out.append(f"<p>{e(section.intro)}</p>")
        if section.facts:
            out.append("<dl>")
            for label, value in section.facts:
                if value not in (None, ""):
                    out.append(f"<dt><strong>{e(label)}</strong></dt><dd>{e(str(value))}</dd>")
            out.append("</dl>")
        for caption, table in section.tables:
            if caption:
                out.append(f"<h3>{e(caption)}</h3>")
            if not table.rows:
                out.append("<p>None recorded.</p>")
                continue
            out.append("<table><thead><tr>")
            out += [f'<th scope="col">{e(h)}</th>' for h in table.headers]
            out.append("</tr></thead><tbody>")
            for row in table.rows:
                out.append(
                    "<tr>"
                    + "".join(f"<td>{e(str(c if c is not None else ''))}</td>" for c in row)
                    + "</tr>"
                )
            out.append("</tbody></table>")
    out.append("</body></html>")
    return "\n".join(out)
