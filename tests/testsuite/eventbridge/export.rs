//! EventBridge in exported templates: every kind of binding, in SAM and in
//! plain CloudFormation, accepted by aws-sam-translator and cfn-lint, with
//! policies that name exact ARNs: a rule's invoke permission its rule, a
//! schedule's role its function (and only Scheduler, for this account's
//! default schedule group, may assume it), a grant its bus.

use std::path::Path;

use serde_json::{Value, json};

use crate::support::{self, read, run};

fn template(ws: &Path, args: &[&str], file: &str) -> Value {
    let mut full = vec!["export", "-o", file];
    full.extend_from_slice(args);
    run(ws, &full).success();
    support::validate_template(&ws.join(file));
    let text = read(ws, file);
    if file.ends_with(".json") {
        serde_json::from_str(&text).unwrap()
    } else {
        // Both formats are exported from one model: read the JSON twin.
        let twin = file.replace(".yaml", ".json");
        let mut full = vec!["export", "-o", twin.as_str()];
        full.extend_from_slice(args);
        run(ws, &full).success();
        serde_json::from_str(&read(ws, &twin)).unwrap()
    }
}

/// SAM's template translated to CloudFormation by aws-sam-translator.
fn translated(ws: &Path, file: &str) -> Value {
    let out = ws.join("translated.json");
    let status = std::process::Command::new(support::python())
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/validate_template.py"))
        .arg(ws.join(file))
        .arg("--translated")
        .arg(&out)
        .output()
        .unwrap();
    assert!(status.status.success(), "{}", String::from_utf8_lossy(&status.stdout));
    serde_json::from_str(&std::fs::read_to_string(out).unwrap()).unwrap()
}

fn resources(t: &Value) -> &serde_json::Map<String, Value> {
    t["Resources"].as_object().unwrap()
}

fn of_type<'a>(t: &'a Value, ty: &str) -> Vec<(&'a String, &'a Value)> {
    resources(t).iter().filter(|(_, r)| r["Type"] == ty).collect()
}

/// The one Scheduler role of function `f`, checked: only Scheduler, for
/// this account's `default` group, may assume it, and it may only invoke
/// `f` and send to `f`'s failure queue (the schedules' dead-letter queue).
fn check_scheduler_role(t: &Value, f: &str) {
    let base = f.trim_end_matches("Function");
    let role = &t["Resources"][format!("{base}SchedulerRole")];
    let queue = format!("{base}FailureQueue");
    assert_eq!(role["Type"], "AWS::IAM::Role", "{f}");
    let trust = &role["Properties"]["AssumeRolePolicyDocument"]["Statement"];
    assert_eq!(trust.as_array().unwrap().len(), 1);
    assert_eq!(trust[0]["Principal"], json!({"Service": "scheduler.amazonaws.com"}));
    assert_eq!(
        trust[0]["Condition"]["StringEquals"]["aws:SourceAccount"],
        json!({"Fn::Sub": "${AWS::AccountId}"})
    );
    assert_eq!(
        trust[0]["Condition"]["StringEquals"]["aws:SourceArn"],
        json!({"Fn::Sub": "arn:${AWS::Partition}:scheduler:${AWS::Region}:${AWS::AccountId}:schedule-group/default"})
    );
    let policies = role["Properties"]["Policies"].as_array().unwrap();
    assert_eq!(policies.len(), 1);
    assert_eq!(
        policies[0]["PolicyDocument"]["Statement"],
        json!([
            {"Effect": "Allow", "Action": ["lambda:InvokeFunction"], "Resource": {"Fn::GetAtt": [f, "Arn"]}},
            // The schedules' dead-letter queue, which Scheduler sends to with this role.
            {"Effect": "Allow", "Action": ["sqs:SendMessage"], "Resource": {"Fn::GetAtt": [queue, "Arn"]}},
        ])
    );
}

/// What a schedule hands the function: the sample's shape, with Scheduler's
/// context attributes.
fn check_input(input: &Value) {
    let text = input["Fn::Sub"].as_str().expect("a Sub");
    let event: Value = serde_json::from_str(text).unwrap();
    assert_eq!(
        event,
        json!({
            "version": "0",
            "id": "<aws.scheduler.execution-id>",
            "detail-type": "Scheduled Event",
            "source": "aws.scheduler",
            "account": "${AWS::AccountId}",
            "time": "<aws.scheduler.scheduled-time>",
            "region": "${AWS::Region}",
            "resources": ["<aws.scheduler.schedule-arn>"],
            "detail": {"attempt-number": "<aws.scheduler.attempt-number>"},
        })
    );
}

#[test]
fn sam_template_with_every_kind_of_binding() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path();
    super::everything(ws);
    let t = template(ws, &[], "template.yaml");
    let res = &t["Resources"];
    // Schedules: SAM's ScheduleV2, with the role written out.
    let every = &res["EveryFiveFunction"]["Properties"]["Events"];
    assert_eq!(every["Schedule0"]["Type"], "ScheduleV2");
    assert_eq!(
        every["Schedule0"]["Properties"]["ScheduleExpression"],
        "rate(5 minutes)"
    );
    assert_eq!(every["Schedule1"]["Properties"]["ScheduleExpression"], "rate(1 hour)");
    // What Scheduler can't deliver goes to the function's failure queue.
    assert_eq!(
        every["Schedule0"]["Properties"]["DeadLetterConfig"],
        json!({"Arn": {"Fn::GetAtt": ["EveryFiveFailureQueue", "Arn"]}})
    );
    assert_eq!(
        every["Schedule1"]["Properties"]["RoleArn"],
        json!({"Fn::GetAtt": ["EveryFiveSchedulerRole", "Arn"]})
    );
    check_input(&every["Schedule0"]["Properties"]["Input"]);
    check_scheduler_role(&t, "EveryFiveFunction");
    let nightly = &res["NightlyFunction"]["Properties"]["Events"]["Schedule0"]["Properties"];
    assert_eq!(nightly["ScheduleExpressionTimezone"], "Europe/Berlin");
    assert_eq!(
        nightly["FlexibleTimeWindow"],
        json!({"Mode": "FLEXIBLE", "MaximumWindowInMinutes": 15})
    );
    let launch = &res["LaunchFunction"]["Properties"]["Events"]["Schedule0"]["Properties"];
    assert_eq!(launch["ScheduleExpression"], "at(2030-01-31T09:00:00)");
    assert_eq!(launch["FlexibleTimeWindow"], json!({"Mode": "OFF"}));
    // Rules: SAM's EventBridgeRule on the default, a managed and existing buses.
    let orders = &res["AcmeOrdersEventbridgeTriggerFunction"]["Properties"]["Events"]["Rule0"];
    assert_eq!(orders["Type"], "EventBridgeRule");
    assert!(orders["Properties"].get("EventBusName").is_none());
    assert_eq!(
        orders["Properties"]["Pattern"]["detail"]["amount"],
        json!([{"numeric": [">", 100]}])
    );
    let shipped = &res["ShippedFunction"]["Properties"]["Events"]["Orders0"]["Properties"];
    assert_eq!(shipped["EventBusName"], json!({"Ref": "OrdersEventBus"}));
    let audit = &res["AuditFunction"]["Properties"]["Events"]["Audit0"]["Properties"];
    assert_eq!(audit["EventBusName"], json!({"Ref": "AuditEventBus"}));
    let tickets = &res["TicketsFunction"]["Properties"]["Events"]["App0"]["Properties"];
    assert_eq!(
        tickets["EventBusName"],
        "arn:aws:events:eu-west-1:123456789012:event-bus/aws.partner/acme.com/123/app"
    );
    let legacy = &res["LegacyOrdersFunction"]["Properties"]["Events"]["Legacy0"]["Properties"];
    assert_eq!(
        legacy["EventBusName"],
        "arn:aws:events:eu-west-1:123456789012:event-bus/legacy-orders"
    );
    // Managed buses: the declared name, or one under the stack's; the
    // existing one is not declared.
    assert_eq!(res["OrdersEventBus"]["Properties"]["Name"], "acme-orders");
    assert_eq!(
        res["AuditEventBus"]["Properties"]["Name"],
        json!({"Fn::Sub": "${AWS::StackName}-audit"})
    );
    assert!(res.get("LegacyEventBus").is_none());
    // The grant: PutEvents on that bus, its name in the environment.
    let every = &res["EveryFiveFunction"]["Properties"];
    assert_eq!(
        every["Environment"]["Variables"]["ORDERS_EVENT_BUS_NAME"],
        json!({"Ref": "OrdersEventBus"})
    );
    let statements = res["EveryFiveRole"]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]
        .as_array()
        .unwrap();
    assert!(
        statements.contains(&json!({"Effect": "Allow", "Action": ["events:PutEvents"], "Resource": {"Fn::GetAtt": ["OrdersEventBus", "Arn"]}})),
        "{statements:?}"
    );

    // What SAM makes of it: each rule's permission names its rule; each
    // schedule uses the role written out, and no other role is made.
    let cfn = translated(ws, "template.yaml");
    let rules = of_type(&cfn, "AWS::Events::Rule");
    assert_eq!(rules.len(), 5);
    for (id, _) in &rules {
        let permission = of_type(&cfn, "AWS::Lambda::Permission")
            .into_iter()
            .find(|(_, p)| p["Properties"]["SourceArn"] == json!({"Fn::GetAtt": [id, "Arn"]}))
            .unwrap_or_else(|| panic!("no permission names rule {id}"));
        assert_eq!(permission.1["Properties"]["Principal"], "events.amazonaws.com");
    }
    let schedules = of_type(&cfn, "AWS::Scheduler::Schedule");
    assert_eq!(schedules.len(), 4);
    for (id, s) in &schedules {
        let role = s["Properties"]["Target"]["RoleArn"]["Fn::GetAtt"][0].as_str().unwrap();
        assert!(role.ends_with("SchedulerRole"), "{id}: {role}");
    }
    let scheduler_roles = of_type(&cfn, "AWS::IAM::Role")
        .into_iter()
        .filter(|(_, r)| {
            r["Properties"]["AssumeRolePolicyDocument"]
                .to_string()
                .contains("scheduler.amazonaws.com")
        })
        .count();
    assert_eq!(scheduler_roles, 3, "one per function with schedules");
}

#[test]
fn cloudformation_template_with_every_kind_of_binding() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path();
    super::everything(ws);
    let t = template(ws, &["--format", "cloudformation"], "cfn.json");
    let res = &t["Resources"];
    let s = &res["NightlySchedule0"]["Properties"];
    assert_eq!(res["NightlySchedule0"]["Type"], "AWS::Scheduler::Schedule");
    assert_eq!(s["ScheduleExpression"], "cron(30 2 ? * MON-FRI *)");
    assert_eq!(s["ScheduleExpressionTimezone"], "Europe/Berlin");
    assert_eq!(s["Target"]["Arn"], json!({"Fn::GetAtt": ["NightlyFunction", "Arn"]}));
    assert_eq!(
        s["Target"]["RoleArn"],
        json!({"Fn::GetAtt": ["NightlySchedulerRole", "Arn"]})
    );
    check_input(&s["Target"]["Input"]);
    assert_eq!(
        s["Target"]["DeadLetterConfig"],
        json!({"Arn": {"Fn::GetAtt": ["NightlyFailureQueue", "Arn"]}})
    );
    check_scheduler_role(&t, "NightlyFunction");
    check_scheduler_role(&t, "EveryFiveFunction");
    assert_eq!(res["EveryFiveSchedule1"]["Type"], "AWS::Scheduler::Schedule");
    // Rules and their permissions, each naming its own rule.
    for (rule, function, bus) in [
        (
            "AcmeOrdersEventbridgeTriggerRule0Rule",
            "AcmeOrdersEventbridgeTriggerFunction",
            Value::Null,
        ),
        (
            "ShippedOrders0Rule",
            "ShippedFunction",
            json!({"Ref": "OrdersEventBus"}),
        ),
        (
            "TicketsApp0Rule",
            "TicketsFunction",
            json!("arn:aws:events:eu-west-1:123456789012:event-bus/aws.partner/acme.com/123/app"),
        ),
    ] {
        let r = &res[rule];
        assert_eq!(r["Type"], "AWS::Events::Rule", "{rule}");
        assert_eq!(r["Properties"].get("EventBusName").cloned().unwrap_or(Value::Null), bus);
        // Events EventBridge can't deliver go to the function's failure queue.
        let queue = format!("{}FailureQueue", function.trim_end_matches("Function"));
        assert_eq!(
            r["Properties"]["Targets"],
            json!([{"Arn": {"Fn::GetAtt": [function, "Arn"]}, "Id": "function", "DeadLetterConfig": {"Arn": {"Fn::GetAtt": [queue, "Arn"]}}}])
        );
        let p = &res[format!("{rule}Permission")]["Properties"];
        assert_eq!(p["Principal"], "events.amazonaws.com");
        assert_eq!(p["SourceArn"], json!({"Fn::GetAtt": [rule, "Arn"]}));
        assert_eq!(p["FunctionName"], json!({"Fn::GetAtt": [function, "Arn"]}));
    }
    assert_eq!(res["OrdersEventBus"]["Type"], "AWS::Events::EventBus");
    assert_eq!(
        t["Outputs"]["OrdersEventBus"]["Value"],
        json!({"Fn::GetAtt": ["OrdersEventBus", "Arn"]})
    );
}

/// No statement anywhere names every resource, and every role a schedule
/// uses can do nothing but invoke.
#[test]
fn no_policy_names_every_resource() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path();
    super::everything(ws);
    for (args, file) in [(&[][..], "t.json"), (&["--format", "cloudformation"][..], "c.json")] {
        let t = template(ws, args, file);
        // Only X-Ray's (tracing is on by default), which has no
        // resource-level permissions.
        for (id, role) in of_type(&t, "AWS::IAM::Role") {
            for s in role["Properties"]["Policies"]
                .as_array()
                .unwrap()
                .iter()
                .flat_map(|p| p["PolicyDocument"]["Statement"].as_array().unwrap())
                .filter(|s| s["Resource"] == "*")
            {
                let actions = s["Action"].as_array().unwrap();
                assert!(
                    actions.iter().all(|a| a.as_str().unwrap().starts_with("xray:")),
                    "{file}: {id} has a statement on every resource: {s}"
                );
            }
        }
        for (id, role) in of_type(&t, "AWS::IAM::Role") {
            if id.ends_with("SchedulerRole") {
                let actions: Vec<&Value> = role["Properties"]["Policies"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .flat_map(|p| p["PolicyDocument"]["Statement"].as_array().unwrap())
                    .flat_map(|s| s["Action"].as_array().unwrap())
                    .collect();
                assert_eq!(
                    actions,
                    [&json!("lambda:InvokeFunction"), &json!("sqs:SendMessage")],
                    "{id}"
                );
            }
        }
    }
}
