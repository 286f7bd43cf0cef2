//! EventBridge in templates. A rule is SAM's `EventBridgeRule` event (SAM
//! makes the `AWS::Events::Rule` and a permission whose `SourceArn` is the
//! rule), or, in plain CloudFormation, the rule and that permission. A
//! schedule is SAM's `ScheduleV2` event, or an `AWS::Scheduler::Schedule`,
//! with an execution role written out in both: Scheduler (for schedules in
//! this account's `default` group only) may assume it, and it may invoke
//! this function and nothing else.

use serde_json::{Value, json};

use super::sample::scheduled;
use super::{Kind, Schedule, bus_name, kind, pattern_json};
use crate::model::cfn::{self, Expr, Statement, get_att, policy_document, ref_, sub};
use crate::model::{Binding, Resource, Target};
use crate::sources::export::{ExportCx, FunctionCx, Place, resource_id};

/// A managed bus's name: the declared one, or the resource's name under the
/// stack's (bus names are unique per account and region).
fn managed_name(r: &Resource) -> Expr {
    match &r.physical_name {
        Some(n) => Expr::lit(n.as_str()),
        None => sub(&format!("${{AWS::StackName}}-{}", r.name)),
    }
}

/// The bus's ARN for policies; the default bus's when there is none.
pub(super) fn bus_arn(p: &Place<'_>) -> Expr {
    match (p.target, p.managed(), p.arn()) {
        (_, Some(r), _) => get_att(&resource_id(r), "Arn"),
        (_, None, Some(a)) => Expr::lit(a.as_str()),
        (Target::Default, None, None) => {
            sub("arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:event-bus/default")
        }
        (t, None, None) => Expr::lit(t.label()),
    }
}

/// The bus's name for a function's environment (`PutEvents` takes it).
pub(super) fn bus_name_expr(p: &Place<'_>) -> Expr {
    match (p.managed(), p.arn()) {
        (Some(r), _) => ref_(&resource_id(r)),
        (None, Some(a)) => Expr::lit(bus_name(a)),
        (None, None) => Expr::lit(p.target.label()),
    }
}

/// What a rule's `EventBusName` is: none on the default bus, the managed
/// bus's name, an existing bus's ARN.
fn rule_bus(p: &Place<'_>) -> Option<Expr> {
    match (p.target, p.managed(), p.arn()) {
        (Target::Default, _, _) => None,
        (_, Some(r), _) => Some(ref_(&resource_id(r))),
        (_, None, Some(a)) => Some(Expr::lit(a.as_str())),
        (t, None, None) => Some(Expr::lit(t.label())),
    }
}

pub(super) fn bus(_cx: &mut ExportCx<'_>, r: &Resource) -> (cfn::Resource, Value) {
    let mut res = cfn::Resource::new("AWS::Events::EventBus");
    res.prop("Name", managed_name(r));
    let out = json!({"Value": get_att(&resource_id(r), "Arn"), "Description": format!("Event bus `{}`", r.name)});
    (res, out)
}

pub(super) fn binding(cx: &mut ExportCx<'_>, f: &mut FunctionCx<'_>, b: &Binding, index: usize) {
    // Rules and Scheduler invoke the function asynchronously.
    f.asynchronous = true;
    match kind(b) {
        Kind::Schedule(s) => schedule(cx, f, &s, index),
        Kind::Rule { pattern } => rule(cx, f, b, pattern, index),
    }
}

fn rule(cx: &mut ExportCx<'_>, f: &mut FunctionCx<'_>, b: &Binding, pattern: &str, index: usize) {
    let p = Place::of(cx.ws, &b.target);
    let bus = rule_bus(&p);
    let pattern = pattern_json(pattern);
    let event_name = match b.target {
        Target::Default => format!("Rule{index}"),
        _ => f.event_name(b, index),
    };
    if cx.sam() {
        let dead_letter = f.rule_dead_letter(cx, &format!("{}{event_name}", f.id));
        let mut props = json!({"Pattern": pattern, "DeadLetterConfig": dead_letter});
        if let Some(bus) = bus {
            props["EventBusName"] = bus.into();
        }
        f.events
            .insert(event_name, json!({"Type": "EventBridgeRule", "Properties": props}));
        return;
    }
    let rule_id = format!("{}{}Rule", f.logical(), event_name);
    let dead_letter = f.rule_dead_letter(cx, &rule_id);
    let mut props = json!({
        "EventPattern": pattern,
        "State": "ENABLED",
        "Targets": [{"Arn": f.arn(), "Id": "function", "DeadLetterConfig": dead_letter}],
    });
    if let Some(bus) = bus {
        props["EventBusName"] = bus.into();
    }
    cx.add(
        rule_id.clone(),
        cfn::Resource::with_properties("AWS::Events::Rule", props),
    );
    cx.add(
        format!("{rule_id}Permission"),
        f.permission("events.amazonaws.com", get_att(&rule_id, "Arn"), false),
    );
}

/// The `Input` a schedule gives the function: the scheduled event, filled
/// in by Scheduler's context attributes and the stack's account and region.
fn scheduled_input() -> Expr {
    let event = scheduled(
        "<aws.scheduler.execution-id>",
        "${AWS::AccountId}",
        "<aws.scheduler.scheduled-time>",
        "${AWS::Region}",
        "<aws.scheduler.schedule-arn>",
        "<aws.scheduler.attempt-number>",
    );
    sub(&event.to_string())
}

/// The role Scheduler assumes to invoke the function: one per function, for
/// all its schedules. It may also send to `dead_letter`, the schedules'
/// dead-letter queue (Scheduler sends there with the schedule's role).
fn scheduler_role(cx: &mut ExportCx<'_>, f: &FunctionCx<'_>, dead_letter: &Expr) -> String {
    let id = format!("{}SchedulerRole", f.logical());
    if cx.template.resources.contains_key(&id) {
        return id;
    }
    let invoke = Statement::allow(&["lambda:InvokeFunction"], vec![f.arn()]);
    let send = Statement::allow(&["sqs:SendMessage"], vec![dead_letter.clone()]);
    cx.add(
        id.clone(),
        cfn::Resource::with_properties(
            "AWS::IAM::Role",
            json!({
                "AssumeRolePolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [{
                        "Effect": "Allow",
                        "Principal": {"Service": "scheduler.amazonaws.com"},
                        "Action": "sts:AssumeRole",
                        "Condition": {"StringEquals": {
                            "aws:SourceAccount": sub("${AWS::AccountId}"),
                            "aws:SourceArn": sub("arn:${AWS::Partition}:scheduler:${AWS::Region}:${AWS::AccountId}:schedule-group/default"),
                        }},
                    }],
                },
                "Policies": [{"PolicyName": "invoke-function", "PolicyDocument": policy_document(&[invoke, send])}],
            }),
        ),
    );
    id
}

fn schedule(cx: &mut ExportCx<'_>, f: &mut FunctionCx<'_>, s: &Schedule<'_>, index: usize) {
    // What Scheduler could not deliver (after its retries) goes to the
    // function's failure queue rather than vanishing.
    let dead_letter = f.failure_queue(cx);
    let role = scheduler_role(cx, f, &dead_letter);
    let window = match s.window {
        Some(m) => json!({"Mode": "FLEXIBLE", "MaximumWindowInMinutes": m}),
        None => json!({"Mode": "OFF"}),
    };
    let event_name = format!("Schedule{index}");
    let mut props = json!({
        "ScheduleExpression": s.expression,
        "FlexibleTimeWindow": window,
    });
    if let Some(tz) = s.timezone {
        props["ScheduleExpressionTimezone"] = json!(tz);
    }
    if cx.sam() {
        props["Input"] = scheduled_input().into();
        props["RoleArn"] = get_att(&role, "Arn").into();
        // CloudFormation names it, so two stacks never share a name.
        props["OmitName"] = json!(true);
        props["DeadLetterConfig"] = json!({"Arn": dead_letter});
        f.events
            .insert(event_name, json!({"Type": "ScheduleV2", "Properties": props}));
        return;
    }
    props["Target"] = json!({
        "Arn": f.arn(),
        "RoleArn": get_att(&role, "Arn"),
        "Input": scheduled_input(),
        "DeadLetterConfig": {"Arn": dead_letter},
    });
    cx.add(
        format!("{}{event_name}", f.logical()),
        cfn::Resource::with_properties("AWS::Scheduler::Schedule", props),
    );
}
