//! Recursive-descent parser from tokens to [`Expr`].

use time::OffsetDateTime;

use super::ODataError;
use super::lexer::Token;

/// A parsed `$filter` expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// Every part must hold.
    And(Vec<Expr>),
    /// At least one part must hold (`or` binds looser than `and`).
    Or(Vec<Expr>),
    /// `path op literal`.
    Compare {
        path: Vec<String>,
        op: Op,
        value: Literal,
    },
    /// `collection/any(var:body)`.
    Any {
        collection: Vec<String>,
        var: String,
        body: Box<Expr>,
    },
}

/// Comparison operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Eq,
    Ne,
    Gt,
    Ge,
    Lt,
    Le,
}

/// Literal values on the right of a comparison.
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    Str(String),
    DateTime(OffsetDateTime),
    Number(f64),
    Bool(bool),
    Null,
}

pub(super) struct Parser {
    tokens: Vec<Token>,
    pos: usize,
}

impl Parser {
    pub(super) fn new(tokens: Vec<Token>) -> Self {
        Self { tokens, pos: 0 }
    }

    pub(super) fn parse(mut self) -> Result<Expr, ODataError> {
        let expr = self.or_expr()?;
        match self.peek() {
            None => Ok(expr),
            Some(token) => Err(unexpected(token)),
        }
    }

    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos)
    }

    fn next(&mut self) -> Option<Token> {
        let token = self.tokens.get(self.pos).cloned();
        self.pos += 1;
        token
    }

    fn expect(&mut self, wanted: Token, what: &str) -> Result<(), ODataError> {
        match self.next() {
            Some(token) if token == wanted => Ok(()),
            _ => Err(ODataError::new(format!(
                "Invalid filter clause: expected {what}."
            ))),
        }
    }

    fn or_expr(&mut self) -> Result<Expr, ODataError> {
        let mut parts = vec![self.and_expr()?];
        while let Some(Token::Ident(word)) = self.peek() {
            if word != "or" {
                break;
            }
            self.pos += 1;
            parts.push(self.and_expr()?);
        }
        Ok(if parts.len() == 1 {
            parts.remove(0)
        } else {
            Expr::Or(parts)
        })
    }

    fn and_expr(&mut self) -> Result<Expr, ODataError> {
        let mut parts = vec![self.term()?];
        while let Some(Token::Ident(word)) = self.peek() {
            match word.as_str() {
                "and" => {
                    self.pos += 1;
                    parts.push(self.term()?);
                }
                "or" => break,
                "not" => {
                    return Err(ODataError::new(format!(
                        "Invalid filter clause: the '{word}' operator is not supported."
                    )));
                }
                _ => break,
            }
        }
        Ok(if parts.len() == 1 {
            parts.remove(0)
        } else {
            Expr::And(parts)
        })
    }

    fn term(&mut self) -> Result<Expr, ODataError> {
        if self.peek() == Some(&Token::Open) {
            self.pos += 1;
            let inner = self.or_expr()?;
            self.expect(Token::Close, "')'")?;
            return Ok(inner);
        }
        let mut path = vec![self.ident("a property name")?];
        while self.peek() == Some(&Token::Slash) {
            self.pos += 1;
            let segment = self.ident("a property name after '/'")?;
            if segment == "any" && self.peek() == Some(&Token::Open) {
                return self.lambda(path);
            }
            if segment == "all" {
                return Err(ODataError::new(
                    "Invalid filter clause: the 'all' lambda is not supported.",
                ));
            }
            path.push(segment);
        }
        let op = self.op()?;
        let value = self.literal()?;
        Ok(Expr::Compare { path, op, value })
    }

    fn lambda(&mut self, collection: Vec<String>) -> Result<Expr, ODataError> {
        self.expect(Token::Open, "'('")?;
        let var = self.ident("a lambda variable")?;
        self.expect(Token::Colon, "':' after the lambda variable")?;
        let body = self.and_expr()?;
        self.expect(Token::Close, "')' closing any()")?;
        Ok(Expr::Any {
            collection,
            var,
            body: Box::new(body),
        })
    }

    fn ident(&mut self, what: &str) -> Result<String, ODataError> {
        match self.next() {
            Some(Token::Ident(name)) => Ok(name),
            Some(token) => Err(unexpected(&token)),
            None => Err(ODataError::new(format!(
                "Invalid filter clause: expected {what}."
            ))),
        }
    }

    fn op(&mut self) -> Result<Op, ODataError> {
        let word = self.ident("a comparison operator")?;
        Ok(match word.as_str() {
            "eq" => Op::Eq,
            "ne" => Op::Ne,
            "gt" => Op::Gt,
            "ge" => Op::Ge,
            "lt" => Op::Lt,
            "le" => Op::Le,
            other => {
                return Err(ODataError::new(format!(
                    "Invalid filter clause: '{other}' is not a supported operator."
                )));
            }
        })
    }

    fn literal(&mut self) -> Result<Literal, ODataError> {
        match self.next() {
            Some(Token::Str(s)) => Ok(Literal::Str(s)),
            Some(Token::DateTime(d)) => Ok(Literal::DateTime(d)),
            Some(Token::Number(n)) => Ok(Literal::Number(n)),
            Some(Token::Ident(word)) if word == "true" => Ok(Literal::Bool(true)),
            Some(Token::Ident(word)) if word == "false" => Ok(Literal::Bool(false)),
            Some(Token::Ident(word)) if word == "null" => Ok(Literal::Null),
            Some(token) => Err(unexpected(&token)),
            None => Err(ODataError::new(
                "Invalid filter clause: expected a value after the operator.",
            )),
        }
    }
}

fn unexpected(token: &Token) -> ODataError {
    let shown = match token {
        Token::Ident(name) => name.chars().take(40).collect::<String>(),
        Token::Str(_) => "string literal".into(),
        Token::DateTime(_) => "date literal".into(),
        Token::Number(_) => "number".into(),
        Token::Slash => "/".into(),
        Token::Colon => ":".into(),
        Token::Open => "(".into(),
        Token::Close => ")".into(),
    };
    ODataError::new(format!("Invalid filter clause: unexpected '{shown}'."))
}
