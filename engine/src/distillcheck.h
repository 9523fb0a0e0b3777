#pragma once
// The check of a distilling project's teacher run (project.h: DistillSettings), torch-free so
// analyzeProject() runs it with the project's other checks; implemented in distill.cpp.

#include "torchwright/diagnostics.h"
#include "torchwright/project.h"

#include <string>

namespace torchwright {

// The student's /distill/teacher resolved, and the teacher run's project checked against the
// student: a run folder whose project reads, with the same sample shape and the same output
// shape per sample as the student's. Errors are at /distill/teacher and name the teacher run and
// both shapes. Reads the run's project.json only (no checkpoint, no data); nothing when the
// project has no teacher.
struct TeacherCheck {
    std::string runDir; // absolute
    Project project;    // the teacher run's project (when it could be read)
    Diagnostics diagnostics;
    bool ok() const { return !diagnostics.hasErrors(); }
};
TeacherCheck checkTeacher(const Project &student);

} // namespace torchwright
