#pragma once
// Merge ids of undo commands, all in one place so no two collide.

namespace torchwright::ui {

enum CommandId {
    MoveNodesId = 1,
    ChangeNodeParameterId,
    ChangeSettingId,
};

} // namespace torchwright::ui
