//! Typed CloudFormation pieces for `export`: intrinsic functions, IAM
//! statements and policy documents, resources and the template. Properties
//! of a resource stay a JSON map (their space is AWS's, not ours); the values
//! in them are [`Expr`]s.

use std::collections::BTreeMap;

use serde::ser::SerializeMap as _;
use serde::{Serialize, Serializer};
use serde_json::{Map, Value, json};

/// A value in a template: a literal or an intrinsic function.
#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    Lit(Value),
    /// `{"Ref": id}`
    Ref(String),
    /// `{"Fn::GetAtt": [id, attribute]}`
    GetAtt(String, String),
    /// `{"Fn::Sub": template}`
    Sub(String),
}

impl Expr {
    pub fn lit(v: impl Into<Value>) -> Expr {
        Expr::Lit(v.into())
    }

    pub fn to_value(&self) -> Value {
        match self {
            Expr::Lit(v) => v.clone(),
            Expr::Ref(id) => json!({ "Ref": id }),
            Expr::GetAtt(id, attr) => json!({ "Fn::GetAtt": [id, attr] }),
            Expr::Sub(s) => json!({ "Fn::Sub": s }),
        }
    }

    /// The literal string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Expr::Lit(Value::String(s)) => Some(s),
            _ => None,
        }
    }

    /// `self` with `suffix` appended (a literal stays literal, a `Sub` stays
    /// a `Sub`): a bucket ARN's objects, `…/*`.
    pub fn with_suffix(&self, suffix: &str) -> Option<Expr> {
        match self {
            Expr::Lit(Value::String(s)) => Some(Expr::lit(format!("{s}{suffix}"))),
            Expr::Sub(s) => Some(Expr::Sub(format!("{s}{suffix}"))),
            _ => None,
        }
    }
}

impl From<&str> for Expr {
    fn from(s: &str) -> Expr {
        Expr::lit(s)
    }
}

impl From<String> for Expr {
    fn from(s: String) -> Expr {
        Expr::lit(s)
    }
}

impl From<Expr> for Value {
    fn from(e: Expr) -> Value {
        e.to_value()
    }
}

impl Serialize for Expr {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.to_value().serialize(s)
    }
}

pub fn ref_(id: &str) -> Expr {
    Expr::Ref(id.to_string())
}

pub fn get_att(id: &str, attr: &str) -> Expr {
    Expr::GetAtt(id.to_string(), attr.to_string())
}

pub fn sub(s: &str) -> Expr {
    Expr::Sub(s.to_string())
}

/// One `Allow` statement of an IAM policy.
#[derive(Clone, Debug, PartialEq)]
pub struct Statement {
    pub actions: Vec<String>,
    pub resources: Vec<Expr>,
}

impl Statement {
    pub fn allow(actions: &[&str], resources: Vec<Expr>) -> Statement {
        Statement {
            actions: actions.iter().map(|a| a.to_string()).collect(),
            resources,
        }
    }
}

impl Serialize for Statement {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(3))?;
        m.serialize_entry("Effect", "Allow")?;
        m.serialize_entry("Action", &self.actions)?;
        match self.resources.as_slice() {
            [one] => m.serialize_entry("Resource", one)?,
            many => m.serialize_entry("Resource", many)?,
        }
        m.end()
    }
}

/// `{"Version": "2012-10-17", "Statement": [...]}`
pub fn policy_document(statements: &[Statement]) -> Value {
    json!({"Version": "2012-10-17", "Statement": statements})
}

/// A resource of the template.
#[derive(Clone, Debug, PartialEq)]
pub struct Resource {
    pub ty: &'static str,
    pub metadata: Option<Value>,
    /// `Retain` for managed data (buckets, tables, streams, pools).
    pub retain: bool,
    pub properties: Map<String, Value>,
    pub depends_on: Vec<String>,
}

impl Resource {
    pub fn new(ty: &'static str) -> Resource {
        Resource {
            ty,
            metadata: None,
            retain: false,
            properties: Map::new(),
            depends_on: Vec::new(),
        }
    }

    pub fn with_properties(ty: &'static str, properties: Value) -> Resource {
        let mut r = Resource::new(ty);
        if let Value::Object(m) = properties {
            r.properties = m;
        }
        r
    }

    /// Set a property.
    pub fn prop(&mut self, key: &str, value: impl Into<Value>) -> &mut Self {
        self.properties.insert(key.to_string(), value.into());
        self
    }
}

impl Serialize for Resource {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("Type", self.ty)?;
        if let Some(md) = &self.metadata {
            m.serialize_entry("Metadata", md)?;
        }
        if self.retain {
            m.serialize_entry("DeletionPolicy", "Retain")?;
            m.serialize_entry("UpdateReplacePolicy", "Retain")?;
        }
        if !self.properties.is_empty() {
            m.serialize_entry("Properties", &self.properties)?;
        }
        if !self.depends_on.is_empty() {
            m.serialize_entry("DependsOn", &self.depends_on)?;
        }
        m.end()
    }
}

/// A template under construction: parameters, resources and outputs by
/// logical id (written sorted, so output is deterministic).
#[derive(Clone, Debug, Default)]
pub struct Template {
    pub parameters: BTreeMap<String, Value>,
    pub resources: BTreeMap<String, Resource>,
    pub outputs: BTreeMap<String, Value>,
}

impl Template {
    pub fn add(&mut self, id: impl Into<String>, r: Resource) {
        self.resources.insert(id.into(), r);
    }

    pub fn output(&mut self, id: impl Into<String>, value: impl Into<Value>, description: String) {
        self.outputs
            .insert(id.into(), json!({"Value": value.into(), "Description": description}));
    }

    /// The whole template; `transform` is SAM's.
    pub fn to_value(&self, transform: Option<&str>, description: &str) -> Value {
        let mut t = Map::new();
        t.insert("AWSTemplateFormatVersion".into(), json!("2010-09-09"));
        if let Some(tr) = transform {
            t.insert("Transform".into(), json!(tr));
        }
        t.insert("Description".into(), json!(description));
        if !self.parameters.is_empty() {
            t.insert("Parameters".into(), json!(self.parameters));
        }
        t.insert("Resources".into(), json!(self.resources));
        if !self.outputs.is_empty() {
            t.insert("Outputs".into(), json!(self.outputs));
        }
        Value::Object(t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intrinsics_and_statements_serialize_as_cloudformation() {
        assert_eq!(json!(ref_("A")), json!({"Ref": "A"}));
        assert_eq!(json!(get_att("A", "Arn")), json!({"Fn::GetAtt": ["A", "Arn"]}));
        let s = Statement::allow(&["s3:GetObject"], vec![sub("arn:${AWS::Partition}:s3:::b")]);
        assert_eq!(
            serde_json::to_string(&s).unwrap(),
            r#"{"Effect":"Allow","Action":["s3:GetObject"],"Resource":{"Fn::Sub":"arn:${AWS::Partition}:s3:::b"}}"#
        );
        let two = Statement::allow(&["a:B"], vec!["x".into(), "y".into()]);
        assert_eq!(json!(two)["Resource"], json!(["x", "y"]));
        assert_eq!(
            sub("arn:${AWS::Partition}:s3:::b").with_suffix("/*"),
            Some(sub("arn:${AWS::Partition}:s3:::b/*"))
        );
    }
}
