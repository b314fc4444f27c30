//! CSV lines for the exports (alerts and the audit log), safe to open in a spreadsheet.
//!
//! Every cell is quoted (quotes doubled), and a formula start (`= + - @`, tab, CR) gets a `'`
//! before it wherever a spreadsheet could take it as the start of a cell: at the start of
//! the cell, and after any character that some reader takes as a separator or a line end
//! (`,` `;` tab, CR, LF), also when quotes or spaces stand between. A spreadsheet set to `;`
//! or tab reads a quoted `,` cell as several unquoted ones, so a cell such as `X;=cmd|…` must
//! not hide a formula after its `;`.

/// Characters after which a spreadsheet may start a new cell.
const BREAKS: [char; 5] = [',', ';', '\t', '\r', '\n'];
/// Characters a spreadsheet reads as the start of a formula.
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// One CSV line (with CRLF): every cell quoted, formula starts defused.
pub fn csv_line<S: AsRef<str>>(cells: &[S]) -> String {
    let mut line = String::new();
    for (i, cell) in cells.iter().enumerate() {
        if i > 0 {
            line.push(',');
        }
        push_cell(&mut line, cell.as_ref());
    }
    line.push_str("\r\n");
    line
}

fn push_cell(line: &mut String, cell: &str) {
    line.push('"');
    let mut cell_starts = true;
    for c in cell.chars() {
        if cell_starts && FORMULA_STARTS.contains(&c) {
            line.push('\'');
        }
        if c == '"' {
            line.push('"');
        }
        line.push(c);
        // A reader that lost the quoting may still skip quotes and spaces before a formula.
        cell_starts = BREAKS.contains(&c) || (cell_starts && matches!(c, '"' | ' '));
    }
    line.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_cell_is_quoted() {
        assert_eq!(csv_line(&["a", "b c"]), "\"a\",\"b c\"\r\n");
        assert_eq!(
            csv_line(&["a,b", "say \"hi\"", "x\ny"]),
            "\"a,b\",\"say \"\"hi\"\"\",\"x\ny\"\r\n"
        );
        assert_eq!(csv_line(&[""]), "\"\"\r\n");
    }

    #[test]
    fn formulas_are_defused_at_the_start_and_after_a_separator() {
        assert_eq!(
            csv_line(&["=1+1", "-2", "@x"]),
            "\"'=1+1\",\"'-2\",\"'@x\"\r\n"
        );
        assert_eq!(
            csv_line(&["X;=cmd|' /C calc'!A0;x"]),
            "\"X;'=cmd|' /C calc'!A0;x\"\r\n"
        );
        assert_eq!(csv_line(&["a,+1\t\t-2"]), "\"a,'+1\t'\t'-2\"\r\n");
        assert_eq!(csv_line(&["a\n@b"]), "\"a\n'@b\"\r\n");
        assert_eq!(csv_line(&["a;\" =b"]), "\"a;\"\" '=b\"\r\n");
    }
}
