//! The problems every API operation may answer, added to the OpenAPI
//! document once instead of on each handler: any call may lack a valid
//! credential (401), a role (403), a readable parameter or body (422, the
//! NUL check covers every query), meet a busy database (503) or fail (500).
//! Problem bodies are `application/problem+json`, as the server sends them.

use utoipa::openapi::{
    ContentBuilder, OpenApi, Ref, RefOr, ResponseBuilder, content::Content, path::Operation,
};

const PROBLEM_TYPE: &str = "application/problem+json";

const COMMON: [(&str, &str); 5] = [
    ("401", "No credential, or one that is not valid"),
    (
        "403",
        "The role does not allow this (or a cookie call without its CSRF token)",
    ),
    (
        "422",
        "A parameter or the body does not read; `field` names it",
    ),
    ("500", "Internal error (logged, not described)"),
    (
        "503",
        "Busy with another write (an import); nothing was changed, try again",
    ),
];

fn problem_content() -> RefOr<Content> {
    RefOr::T(
        ContentBuilder::new()
            .schema(Some(Ref::from_schema_name("Problem")))
            .build(),
    )
}

fn is_problem(c: &RefOr<Content>) -> bool {
    matches!(c, RefOr::T(c) if matches!(&c.schema, Some(RefOr::Ref(r)) if r.ref_location.ends_with("/Problem")))
}

fn complete(op: &mut Operation) {
    if op.request_body.is_some() {
        op.responses
            .responses
            .entry("413".into())
            .or_insert_with(|| {
                RefOr::T(
                    ResponseBuilder::new()
                        .description("The body is over the route's limit")
                        .content(
                            PROBLEM_TYPE,
                            Content::new(Some(Ref::from_schema_name("Problem"))),
                        )
                        .build(),
                )
            });
    }
    for response in op.responses.responses.values_mut() {
        if let RefOr::T(r) = response
            && r.content.get("application/json").is_some_and(is_problem)
        {
            r.content.shift_remove("application/json");
            r.content.insert(PROBLEM_TYPE.into(), problem_content());
        }
    }
    // OpenAPI requires a description on every response; a handler's
    // `(status = 404, body = Problem)` has none of its own.
    for (code, response) in op.responses.responses.iter_mut() {
        if let RefOr::T(r) = response
            && r.description.trim().is_empty()
        {
            r.description = described(code).to_owned();
        }
    }
    for (code, why) in COMMON {
        let response = op
            .responses
            .responses
            .entry(code.into())
            .or_insert_with(|| RefOr::T(ResponseBuilder::new().description(why).build()));
        // A 422 with a body of its own (an import's refused rows) is still
        // a problem when the query itself does not read.
        if let RefOr::T(r) = response
            && !r.content.contains_key(PROBLEM_TYPE)
        {
            r.content.insert(PROBLEM_TYPE.into(), problem_content());
        }
    }
}

/// What a status answers, for a response its handler left undescribed.
fn described(code: &str) -> &'static str {
    if let Some((_, why)) = COMMON.iter().find(|(c, _)| *c == code) {
        return why;
    }
    match code {
        "200" => "OK",
        "201" => "Created",
        "204" => "Done; no body",
        "400" => "The request does not read",
        "404" => "Not found in the caller's organization",
        "405" => "Method not allowed on this path",
        "409" => "Conflicts with the current state",
        "413" => "The body is over the route's limit",
        _ => "See the body",
    }
}

/// `doc` with the common problems on every `/api/v1/` operation.
pub fn with_problems(mut doc: OpenApi) -> OpenApi {
    for (path, item) in doc.paths.paths.iter_mut() {
        if !path.starts_with("/api/v1/") {
            continue;
        }
        for op in [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ]
        .into_iter()
        .flatten()
        {
            complete(op);
        }
    }
    doc
}
