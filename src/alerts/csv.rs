//! CSV lines for the alert export (RFC 4180 quoting).

/// One CSV line (with CRLF). Cells with a comma, quote or line break are quoted with quotes
/// doubled; cells a spreadsheet would run as a formula (`= + - @`, tab, CR) get a leading `'`.
pub fn csv_line(cells: &[&str]) -> String {
    let mut line = String::new();
    for (i, cell) in cells.iter().enumerate() {
        if i > 0 {
            line.push(',');
        }
        let guarded;
        let cell = if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
            guarded = format!("'{cell}");
            guarded.as_str()
        } else {
            cell
        };
        if cell.contains([',', '"', '\n', '\r']) {
            line.push('"');
            line.push_str(&cell.replace('"', "\"\""));
            line.push('"');
        } else {
            line.push_str(cell);
        }
    }
    line.push_str("\r\n");
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_only_when_needed() {
        assert_eq!(csv_line(&["a", "b c"]), "a,b c\r\n");
        assert_eq!(
            csv_line(&["a,b", "say \"hi\"", "x\ny"]),
            "\"a,b\",\"say \"\"hi\"\"\",\"x\ny\"\r\n"
        );
        assert_eq!(csv_line(&[""]), "\r\n");
    }

    #[test]
    fn formulas_are_defused() {
        assert_eq!(csv_line(&["=1+1", "-2", "@x"]), "'=1+1,'-2,'@x\r\n");
    }
}
